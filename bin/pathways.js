#!/usr/bin/env node
// The command-line entry point. It runs the compiled program (dist/pathways: `npm install` builds
// it, as does `npm run build`). A build missing or older than src/ is rebuilt first, said in one
// line on stderr (about a second): a change to the sources never runs stale, and nobody has to
// remember a build step. Development and the tests run the TypeScript itself through tsx.
import { build, isStale } from './build.js';

if (isStale()) {
  process.stderr.write('Building the program (src/ → dist/pathways)…\n');
  try {
    await build();
  } catch (e) {
    // esbuild has printed the errors of the sources; one line says what to do.
    const missing = e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes("'esbuild'");
    process.stderr.write(
      missing
        ? 'pathways is not built and esbuild is not installed: run `npm install`, then `npm run build`.\n'
        : `pathways could not be built (${e?.message?.split('\n')[0] ?? e}): fix the sources, then run \`npm run build\`.\n`,
    );
    process.exit(1);
  }
}
const { main } = await import('../dist/pathways/main.js');
process.exitCode = await main(process.argv);
