import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { lockDataDir, lockHolderOfThisProcess, processStart } from './lockfile.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const base = mkdtempSync(join(tmpdir(), 'pathways-lock-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A PID that ran and has ended: the holder of a stale lock. */
function deadPid(): number {
  const p = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(p.stdout);
}

describe('the embedded database folder lock', () => {
  it('lets exactly one of several processes take over a stale lock, every round (issue 19, finding 7)', async () => {
    const racers = 6;
    const rounds = 80;
    const dir = join(base, 'race');
    const dead = deadPid();
    for (let r = 0; r < rounds; r++) {
      mkdirSync(join(dir, `round-${r}`), { recursive: true });
      // The format before this fix and the current one, both naming a process that has ended.
      writeFileSync(
        join(dir, `round-${r}`, 'pathways.lock'),
        r % 2 ? `${dead}\n` : `${JSON.stringify({ pid: dead, start: '1', boot: null, nonce: 'x' })}\n`,
      );
    }
    const startAt = Date.now() + 6000; // after every racer has loaded (tsx)
    const children = Array.from({ length: racers }, () =>
      spawn(process.execPath, ['--import', 'tsx', join(root, 'test/lock-racer.ts'), dir, String(startAt), String(rounds), '30'], {
        cwd: root,
      }),
    );
    const outputs = await Promise.all(
      children.map(
        (c) =>
          new Promise<string>((resolve, reject) => {
            let out = '';
            let err = '';
            c.stdout.on('data', (d: Buffer) => {
              out += d.toString();
              if (out.split('\n').filter(Boolean).length === rounds) resolve(out);
            });
            c.stderr.on('data', (d: Buffer) => (err += d.toString()));
            c.once('exit', (code) => reject(new Error(`racer ended (${code}) early: ${out}${err}`)));
          }),
      ),
    );
    for (const c of children) c.stdin.end('done\n');
    const winners = Array.from({ length: rounds }, (_, r) => outputs.filter((o) => o.split('\n').includes(`${r} won`)).length);
    const refusals = outputs.flatMap((o) => o.split('\n').filter((l) => l.includes('refused')));
    expect(winners).toEqual(Array(rounds).fill(1));
    expect(
      refusals.every((l) => l.endsWith('in-use')),
      refusals.join('\n'),
    ).toBe(true);
  }, 60_000);

  it("takes over a lock written under this process's PID by another process instance (a restarted container's PID 1; finding 8)", () => {
    const me = lockHolderOfThisProcess();
    const forms = [
      `${process.pid}\n`, // the format before the fix: only a PID, ours
      JSON.stringify({ ...me, nonce: 'an-earlier-instance' }), // same PID and start time, another instance
      JSON.stringify({ ...me, start: '1', nonce: 'an-earlier-instance' }), // same PID, another start time
    ];
    for (const [i, text] of forms.entries()) {
      const dir = join(base, `same-pid-${i}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'pathways.lock'), text);
      const release = lockDataDir(dir);
      expect(JSON.parse(readFileSync(join(dir, 'pathways.lock'), 'utf8'))).toEqual(me);
      // Opened twice by this instance: refused.
      expect(() => lockDataDir(dir)).toThrow(/already open in this process/);
      release();
      expect(existsSync(join(dir, 'pathways.lock'))).toBe(false);
    }
  });

  it('takes over a lock whose PID now belongs to a process that started later, or to another boot; refuses a live one', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await new Promise((r) => other.once('spawn', r));
      const pid = other.pid!;
      const start = processStart(pid);
      expect(start).toMatch(/^\d+$/);
      const me = lockHolderOfThisProcess();
      const cases: [string, object, boolean][] = [
        ['live', { pid, start, boot: me.boot, nonce: 'n' }, false],
        ['live, old format', { pidOnly: pid }, false],
        ['PID reused: another start time', { pid, start: String(Number(start) - 100), boot: me.boot, nonce: 'n' }, true],
        ['another boot', { pid, start, boot: '00000000-0000-0000-0000-000000000000', nonce: 'n' }, true],
      ];
      for (const [name, holder, stale] of cases) {
        const dir = join(base, `other-${name.replace(/\W+/g, '-')}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'pathways.lock'), 'pidOnly' in holder ? `${pid}\n` : JSON.stringify(holder));
        if (stale) {
          const release = lockDataDir(dir);
          expect(JSON.parse(readFileSync(join(dir, 'pathways.lock'), 'utf8')).nonce, name).toBe(me.nonce);
          release();
        } else {
          expect(() => lockDataDir(dir), name).toThrow(new RegExp(`in use by process ${pid}`));
        }
      }
    } finally {
      other.kill();
    }
  });
});
