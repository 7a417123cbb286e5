// A child process of src/db/lockfile.test.ts: at each round's start time (shared by every racer), takes
// the lock of that round's folder and keeps it; prints one line per round: won or refused.
import { lockDataDir } from '../src/db/lockfile.ts';

const [base, startAt, rounds, gapMs] = process.argv.slice(2).map((a, i) => (i === 0 ? a : Number(a))) as [string, number, number, number];
const held: (() => void)[] = [];
for (let r = 0; r < rounds; r++) {
  const at = startAt + r * gapMs;
  while (Date.now() < at) {
    // spin: the racers start each round within a millisecond of each other
  }
  try {
    held.push(lockDataDir(`${base}/round-${r}`));
    process.stdout.write(`${r} won\n`);
  } catch (e) {
    process.stdout.write(`${r} refused ${(e as Error).message.includes('in use by process') ? 'in-use' : (e as Error).message}\n`);
  }
}
process.stdin.once('data', () => {
  for (const release of held) release();
  process.exit(0);
});
