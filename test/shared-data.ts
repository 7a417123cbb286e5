import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Material that may not be shipped in the repository (no licence to copy it) and lives beside it,
 * in ../shared. Where it is absent the tests that need it are skipped, and their name says why;
 * on CI (`CI=true`) they run anyway and fail, saying what is missing, so that CI never passes
 * without them.
 */
export interface SharedData {
  /** The folder (an environment variable may point elsewhere). */
  dir: string;
  present: boolean;
  /** Whether the tests that need it are to be skipped (absent, and not on CI). */
  skip: boolean;
  /** The name of the tests' describe block: its own, or why they are skipped. */
  title: (name: string) => string;
  /** Throws, naming what is missing and why, when the material is absent (call it in a beforeAll). */
  require: () => void;
}

export const onCi = (env: NodeJS.ProcessEnv = process.env): boolean => env.CI === 'true' || env.CI === '1';

export function sharedData(opts: { relative: string; probe: string; envVar: string; why: string; env?: NodeJS.ProcessEnv }): SharedData {
  const env = opts.env ?? process.env;
  const dir = env[opts.envVar] || fileURLToPath(new URL(`../../shared/${opts.relative}`, import.meta.url));
  const shown = env[opts.envVar] ? dir : `../shared/${opts.relative}`;
  const present = existsSync(`${dir}/${opts.probe}`);
  const skip = !present && !onCi(env);
  const why = `${shown} not present (${opts.why}; set ${opts.envVar} to its folder)`;
  // Said in the run's output too, where the default reporter does not list skipped tests by name.
  if (skip && opts.env === undefined) console.warn(`skipped: ${why}`);
  return {
    dir,
    present,
    skip,
    title: (name) => (skip ? `${name} — skipped: ${why}` : name),
    require: () => {
      if (!present)
        throw new Error(
          `${shown} is not present (${opts.why}): on CI (CI=true) these tests must run; put the folder beside the checkout or set ${opts.envVar}.`,
        );
    },
  };
}
