/**
 * `node --import tsx bench/cpu-by-process.ts -- COMMAND [ARGS…]`: runs a command (`.ci/run`, `npm test`)
 * and says where the machine's CPU went while it ran — vitest's workers, Chromium, PostgreSQL, the rest —
 * from every process's CPU time in /proc, read every half second (Linux only). A process that starts
 * and ends between two readings is missed there; the last line counts the command's whole tree as the
 * kernel does (what it and every process it waited for spent), which misses nothing of the tree but
 * leaves out processes outside it, such as the PostgreSQL server's. docs/benchmarks.md, "Test bed
 * (issue 16), third pass", was measured this way.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function kindOf(cmdline: string): string {
  if (/chrom/.test(cmdline)) return 'Chromium';
  if (/^postgres/.test(cmdline)) return 'PostgreSQL';
  if (/vitest\/dist\/workers|forks|worker/.test(cmdline) && /node/.test(cmdline)) return 'vitest workers';
  if (/vitest/.test(cmdline)) return 'vitest (main process)';
  if (/\btsc\b/.test(cmdline)) return 'type-check';
  if (/npm ci/.test(cmdline)) return 'npm ci';
  if (/node/.test(cmdline)) return 'other Node processes';
  return 'other processes';
}

/** CPU seconds of each live process, by pid, with its kind. */
function readProcesses(): Map<string, { kind: string; seconds: number }> {
  const out = new Map<string, { kind: string; seconds: number }>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(pid, { kind: kindOf(cmdline), seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND });
    } catch {
      // The process ended while it was read.
    }
  }
  return out;
}

/** CPU seconds of the children this process waited for, and theirs (/proc/self/stat's cutime and cstime). */
function childrenCpu(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
if (args.length === 0) {
  process.stderr.write('Usage: node --import tsx bench/cpu-by-process.ts -- COMMAND [ARGS…]\n');
  process.exit(2);
}
if (!existsSync('/proc/self/stat')) {
  process.stderr.write('bench/cpu-by-process.ts reads /proc: it runs on Linux only.\n');
  process.exit(2);
}
// What the processes already running had spent before is not counted.
const seen = readProcesses();
const total = new Map<string, number>();
const sample = () => {
  for (const [pid, p] of readProcesses()) {
    const before = seen.get(pid)?.seconds ?? 0;
    total.set(p.kind, (total.get(p.kind) ?? 0) + Math.max(0, p.seconds - before));
    seen.set(pid, p);
  }
};
const started = performance.now();
const treeBefore = childrenCpu();
const timer = setInterval(sample, 500);
const child = spawn(args[0]!, args.slice(1), { stdio: 'inherit' });
const code: number = await new Promise((resolve) => {
  child.on('exit', (c) => resolve(c ?? 1));
  child.on('error', (e) => {
    process.stderr.write(`Could not run ${args[0]}: ${e.message}\n`);
    process.exit(127);
  });
});
clearInterval(timer);
sample();
const wall = (performance.now() - started) / 1000;
const sum = [...total.values()].reduce((a, b) => a + b, 0);
const rows = [...total]
  .filter(([, seconds]) => seconds >= 0.5)
  .sort((a, b) => b[1] - a[1])
  .map(([kind, seconds]) => `| ${kind} | ${seconds.toFixed(0)} |`);
rows.push(`| **all** | **${sum.toFixed(0)}** in ${wall.toFixed(0)} s of wall time: ${(sum / wall).toFixed(2)} cores busy on average |`);
rows.push(`| the command's own process tree, as the kernel counts it | ${(childrenCpu() - treeBefore).toFixed(0)} |`);
process.stdout.write(`\n| processes | CPU seconds |\n| --- | --- |\n${rows.join('\n')}\n`);
process.exit(code);
