import { existsSync } from 'node:fs';
import { TOTP, Secret } from 'otpauth';
import type { Page } from 'playwright-core';
import { operator, type Role } from '../../src/access/principal.ts';
import type { Database } from '../../src/db/db.ts';
import { loadDemo } from '../../src/demo/load-demo.ts';
import type { IdentityRouteOptions } from '../../src/identity/identity.routes.ts';
import { TOTP_WINDOW } from '../../src/identity/totp.ts';
import { startServer } from '../../src/server/server.ts';
import { WEB_ROOT } from '../../src/web/web.routes.ts';
import { addAccount } from '../sessions.ts';
import { openPgliteCopy } from '../template.ts';

/**
 * The whole platform for a browser test: a fresh embedded database (reference data and the 2020
 * round loaded, demo households when asked), the real server on a free loopback port serving the
 * real build of the web interface (built by test/browser/global-setup.ts), and accounts that sign
 * in through the real sign-in page with a real TOTP code.
 */
export interface Account {
  username: string;
  password: string;
  role: Role;
  stateCode: string | null;
  /** Known once the account has enrolled its authenticator (at its first sign-in in the page). */
  totpSecret: string | null;
  lastStep: number;
}

export interface Platform {
  url: string;
  database: Database;
  account: (role: Role, stateCode?: string | null, organisation?: string | null) => Promise<Account>;
  close: () => Promise<void>;
}

let counter = 0;

export async function startPlatform(
  opts: { demoPersons?: number; seed?: number; port?: number; identity?: IdentityRouteOptions } = {},
): Promise<Platform> {
  if (!existsSync(`${WEB_ROOT}index.html`))
    throw new Error(`No build of the web interface in ${WEB_ROOT}: \`npm run build:web\` failed or did not run.`);
  const database = await openPgliteCopy({ dataDir: 'memory://', scope: '*' });
  if (opts.demoPersons)
    await loadDemo({ db: database.db, actor: operator('test-setup'), persons: opts.demoPersons, seed: opts.seed ?? 2020 });
  const server = await startServer({
    database,
    port: opts.port ?? 0,
    host: '127.0.0.1',
    ...(opts.identity ? { identity: opts.identity } : {}),
  });
  return {
    url: server.url,
    database,
    async account(role, stateCode = null, organisation = null) {
      counter += 1;
      const username = `${role.replace(/_/g, '-')}-${stateCode ?? 'eu'}-${counter}`.toLowerCase();
      const password = `Pw-${role}-${counter}-correct-horse-battery`;
      await addAccount(database, { username, password, role, stateCode, organisation });
      return { username, password, role, stateCode, totpSecret: null, lastStep: -1 };
    },
    async close() {
      await server.close();
      await database.close();
    },
  };
}

const STEP_MS = 30_000;

/**
 * A code of an account's authenticator the server takes now: the current step's, or — when that step
 * was used (the server refuses a replay) — the next step's, which the server's drift window
 * (TOTP_WINDOW, one step either side) accepts as it would from a phone whose clock runs ahead. Only a
 * third sign-in within one step waits for a fresh step.
 */
export async function totpCode(account: Account): Promise<string> {
  let step = Math.floor(Date.now() / STEP_MS);
  if (step <= account.lastStep && account.lastStep + 1 <= step + TOTP_WINDOW) step = account.lastStep + 1;
  else if (step <= account.lastStep) {
    await new Promise((r) => setTimeout(r, (account.lastStep + 1 - TOTP_WINDOW) * STEP_MS - Date.now() + 50));
    step = account.lastStep + 1;
  }
  account.lastStep = step;
  return new TOTP({ secret: Secret.fromBase32(account.totpSecret!), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: step * STEP_MS,
  });
}

/**
 * Signs in through the page as a person would: name, password, then the authenticator's code
 * (enrolling at the first sign-in: the key is read off the page, as a person would scan it).
 * Works in English and Dutch (labels are matched by the inputs' names).
 */
export async function signInThroughPage(page: Page, platform: Platform, account: Account, path = '/dashboard'): Promise<void> {
  await page.goto(`${platform.url}${path}`);
  await page.locator('input[name=username]').fill(account.username);
  await page.locator('input[name=password]').fill(account.password);
  await page.locator('#login-form button[type=submit]').click();
  const code = page.locator('input[name=code]');
  const nav = page.locator('nav.site-nav');
  await Promise.race([code.waitFor(), nav.waitFor()]);
  if (await nav.isVisible()) return;
  const secret = page.getByTestId('totp-secret');
  if (await secret.isVisible().catch(() => false)) account.totpSecret = (await secret.textContent())!.trim();
  await code.fill(await totpCode(account));
  await page.locator('#code-form button[type=submit]').click();
  await nav.waitFor();
}
