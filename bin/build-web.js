#!/usr/bin/env node
// Builds the web interface (web/ → dist/web) when the build is missing or older than its sources,
// so that `npm start` serves the current interface without a separate step. `--force` always builds.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist/web/index.html');

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(
  newest(join(root, 'web')),
  statSync(join(root, 'src/api/openapi.types.ts')).mtimeMs,
  statSync(join(root, 'package-lock.json')).mtimeMs,
);
if (process.argv.includes('--force') || !existsSync(built) || statSync(built).mtimeMs < sources) {
  console.error('Building the web interface (web/ → dist/web)…');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(root, 'web/vite.config.ts'), '--logLevel', 'warn'],
    { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_ENV: 'production' } },
  );
}
