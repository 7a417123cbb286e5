#!/usr/bin/env node
// Builds the command line and the server (src/ → dist/pathways) with esbuild, so that `pathways`
// starts as plain JavaScript instead of compiling TypeScript through tsx at every run. `npm install`
// runs it (`prepare`), `npm run build` by hand, and bin/pathways.js when the build is missing or
// older than its sources. `--if-stale` builds only then.
//
// One bundle split into chunks: a command loads only what it imports, and `--help` none of the
// heavy modules (each command imports its feature's services inside its action). The packages stay
// in node_modules. Every file of the output sits in dist/pathways/ itself, so that a source's
// `import.meta.url` is rewritten to the source's own address (its migrations, catalogues, the
// package.json and the web build are read where they are in the tree, not copied), and a worker
// thread's `new URL('./x.worker.mjs', import.meta.url)` to the compiled `x.worker.js` beside it.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const OUT_DIR = join(root, 'dist/pathways');
const STAMP = join(OUT_DIR, 'build.json');

/**
 * The program's entry, and each worker thread's: every `x.worker.mjs` under src/ (the entry a thread
 * starts from under tsx) is built from `x.worker.ts` beside it, or from itself when it is the whole
 * worker, into `x.worker.js`.
 */
function entries() {
  const found = { main: './src/cli/main.ts' };
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.worker.mjs')) {
        const name = entry.name.slice(0, -'.mjs'.length);
        if (found[name]) throw new Error(`two workers named ${name}: ${found[name]} and ${path}`);
        const ts = path.replace(/\.mjs$/, '.ts');
        found[name] = `./${existsSync(join(root, ts)) ? ts : path}`;
      }
    }
  };
  walk('src');
  return found;
}

/** The newest change under the sources (a file or a folder: a file added, renamed or deleted counts). */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let t = stat.mtimeMs;
  for (const entry of readdirSync(path)) t = Math.max(t, newest(join(path, entry)));
  return t;
}

export function sourcesChanged() {
  return Math.max(newest(join(root, 'src')), statSync(fileURLToPath(import.meta.url)).mtimeMs);
}

/** Whether dist/pathways is missing or older than a source. */
export function isStale() {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8')).sources < sourcesChanged();
  } catch {
    return true;
  }
}

const WORKER_URL = /new URL\((['"])\.\/([\w-]+)\.worker\.mjs\1,\s*import\.meta\.url\)/g;

/** Rewrites a source's `import.meta.url` (see above); the workers it starts must be entries. */
function rewriteUrls(text, file, workerNames) {
  const workers = [];
  let out = text.replace(WORKER_URL, (_m, _q, name) => {
    if (!workerNames.has(`${name}.worker`))
      throw new Error(`${relative(root, file)} starts ${name}.worker.mjs, which has no worker of that name`);
    workers.push(`new URL('./${name}.worker.js', import.meta.url)`);
    return `\0worker${workers.length - 1}\0`;
  });
  const own = JSON.stringify(relative(OUT_DIR, file).split('\\').join('/'));
  out = out.replace(/\bimport\.meta\.url\b/g, `new URL(${own}, import.meta.url).href`);
  return out.replace(/\0worker(\d+)\0/g, (_m, i) => workers[Number(i)]);
}

/**
 * The packages bundled with the program; every other stays in node_modules. These are ES modules
 * each start loads (the configuration's zod, the catalogues' intl-messageformat): one file instead of
 * dozens takes a third off `--help`'s time. zod is bundled with every package that takes it (the
 * OpenAPI routes'), so that the program holds one copy of it.
 */
const BUNDLED = /^(zod|intl-messageformat|@formatjs\/[^/]+|@hono\/zod-openapi|@hono\/zod-validator|@asteasolutions\/zod-to-openapi)(\/|$)/;

const packages = {
  name: 'packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || !BUNDLED.test(args.path)) return { path: args.path, external: true };
      return undefined;
    });
  },
};

const sourceUrls = (workerNames) => ({
  name: 'source-urls',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.(ts|mjs)$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      return { contents: rewriteUrls(text, args.path, workerNames), loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
});

/**
 * Builds into dist/pathways. Each file is written beside its place and renamed into it, the chunks
 * (named by their content) before the entries that import them and the stamp last: a `pathways`
 * started meanwhile runs the old build or the new one, and one already running still finds the
 * chunks it imports later. Chunks no build has written for a day are removed.
 */
export async function build() {
  const { build: esbuild } = await import('esbuild');
  const sources = sourcesChanged();
  const entryPoints = entries();
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints,
    outdir: OUT_DIR,
    write: false,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: '[name]-[hash]',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [packages, sourceUrls(new Set(Object.keys(entryPoints)))],
  });
  mkdirSync(OUT_DIR, { recursive: true });
  const isEntry = (path) => Object.keys(entryPoints).some((name) => path.startsWith(join(OUT_DIR, `${name}.js`)));
  const files = [...result.outputFiles].sort((a, b) => Number(isEntry(a.path)) - Number(isEntry(b.path)));
  const put = (path, contents) => {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, contents);
    renameSync(tmp, path);
  };
  for (const f of files) put(f.path, f.contents);
  put(STAMP, `${JSON.stringify({ sources })}\n`);
  const kept = new Set([...files.map((f) => f.path), STAMP]);
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of readdirSync(OUT_DIR)) {
    const path = join(OUT_DIR, name);
    if (!kept.has(path) && statSync(path).mtimeMs < dayAgo) rmSync(path, { force: true });
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  if (!process.argv.includes('--if-stale') || isStale()) {
    console.error('Building the program (src/ → dist/pathways)…');
    await build();
  }
}
