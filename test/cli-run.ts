import { afterAll } from 'vitest';
import { main } from '../src/cli/main.ts';
import type { Database } from '../src/db/db.ts';
import { openPgliteCopy, prepareDataDir } from './template.ts';

/**
 * Runs the CLI in this process on one embedded database folder, as `pathways --data DIR …` would.
 * The folder starts as a copy of the run's migrated, seeded template (test/template.ts), which is
 * what the first command would have made of it.
 *
 * By default the runner opens the folder's database once, as the command line opens it (in this
 * thread, scope '*'), hands it to every command (Io.database) and closes it after the suite's last
 * test: opening PGlite costs most of a second each time, and the opening itself is tested in
 * test/cli.test.ts. `keepOpen: false` lets each command open and close the folder itself — for a
 * runner made inside a test (no hook can be added there) or a suite that opens the folder between
 * commands.
 */
export function cliRunner(data: string, actor: string, opts: { keepOpen?: boolean } = {}) {
  const keepOpen = opts.keepOpen ?? true;
  let ready: Promise<Database | null> | undefined;
  if (keepOpen)
    afterAll(async () => {
      const database = await ready?.catch(() => null);
      ready = undefined;
      await database?.close();
    });
  return async (...args: string[]) => {
    ready ??= keepOpen ? openPgliteCopy({ dataDir: data, scope: '*', thread: false }) : prepareDataDir(data).then(() => null);
    const database = await ready;
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      ['node', 'pathways', '--data', data, ...args],
      { out: (s) => out.push(s), err: (s) => err.push(s), tty: false, ...(database ? { database } : {}) },
      { PATHWAYS_ACTOR: actor },
    );
    return { code, out: out.join(''), err: err.join('') };
  };
}
