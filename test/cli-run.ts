import { main } from '../src/cli/main.ts';
import { prepareDataDir } from './template.ts';

/**
 * Runs the CLI in this process on one embedded database folder, as `pathways --data DIR …` would.
 * The folder starts as a copy of the run's migrated, seeded template (test/template.ts), which is
 * what the first command would have made of it.
 */
export function cliRunner(data: string, actor: string) {
  let ready: Promise<void> | undefined;
  return async (...args: string[]) => {
    ready ??= prepareDataDir(data);
    await ready;
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      ['node', 'pathways', '--data', data, ...args],
      { out: (s) => out.push(s), err: (s) => err.push(s), tty: false },
      { PATHWAYS_ACTOR: actor },
    );
    return { code, out: out.join(''), err: err.join('') };
  };
}
