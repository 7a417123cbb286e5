import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The browser tests open the real build of the web interface: built once per run, when older than its sources. */
export default function setup() {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../bin/build-web.js', import.meta.url))], { stdio: 'inherit' });
}
