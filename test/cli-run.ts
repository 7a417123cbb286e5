import { main } from '../src/cli/main.ts';

/** Runs the CLI in this process on one embedded database folder, as `pathways --data DIR …` would. */
export function cliRunner(data: string, actor: string) {
  return async (...args: string[]) => {
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
