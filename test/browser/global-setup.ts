import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The browser tests open the real build of the web interface: built once per run, when older than
 * its sources. A build that fails leaves no build behind (the browser tests then fail, saying so,
 * rather than test an old one), and does not stop the other tests.
 */
export default function setup() {
  // The command line's tests spawn bin/pathways.js: the compiled program is built first, once, when older than src/.
  execFileSync(process.execPath, [fileURLToPath(new URL('../../bin/build.js', import.meta.url)), '--if-stale'], { stdio: 'inherit' });
  try {
    execFileSync(process.execPath, [fileURLToPath(new URL('../../bin/build-web.js', import.meta.url))], { stdio: 'inherit' });
  } catch {
    rmSync(fileURLToPath(new URL('../../dist/web/index.html', import.meta.url)), { force: true });
    console.error('The web interface did not build (see above): the browser tests will fail.');
  }
}
