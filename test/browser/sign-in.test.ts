import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcClient } from '../../src/identity/oidc.ts';
import { OIDC_TEST_CLIENT, startTestProvider, type TestProvider } from '../oidc-provider.ts';
import { addAccount } from '../sessions.ts';
import { openBrowser } from './chromium.ts';
import { signInThroughPage, startPlatform, type Platform } from './platform.ts';

describe('sign-in in the browser', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(async () => platform?.close());

  it('enrols the authenticator at the first sign-in, then asks for its code; the session survives a reload', async () => {
    const b = await openBrowser();
    try {
      const officer = await platform.account('state_officer', 'NL');
      await signInThroughPage(b.page, platform, officer);
      expect(officer.totpSecret).toMatch(/^[A-Z2-7]{16,}$/);
      await expect(b.page.locator('.account-link').textContent()).resolves.toContain(officer.username);
      await b.page.reload();
      await b.page.locator('nav.site-nav').waitFor();
      // Nothing of the session is in browser storage: the cookie is HttpOnly, the CSRF token in memory.
      const stored = await b.page.evaluate(() => ({
        local: localStorage.length,
        session: sessionStorage.length,
        cookies: document.cookie,
      }));
      expect(stored).toEqual({ local: 0, session: 0, cookies: '' });
      await b.page.getByRole('button', { name: 'Sign out' }).click();
      await b.page.locator('#login-form').waitFor();
      // Second sign-in: the code is asked, not the enrolment.
      await signInThroughPage(b.page, platform, officer);
      await expect(b.page.getByTestId('totp-secret').count()).resolves.toBe(0);
    } finally {
      await b.close();
    }
  });

  it('refuses a wrong password with the server’s message, in the page’s language', async () => {
    const b = await openBrowser({ locale: 'nl-NL' });
    try {
      const analyst = await platform.account('commission_analyst');
      await b.page.goto(`${platform.url}/dashboard`);
      await b.page.waitForFunction(() => document.documentElement.lang === 'nl');
      await b.page.getByLabel('Gebruikersnaam').fill(analyst.username);
      await b.page.getByLabel('Wachtwoord').fill('wrong-password-here');
      await b.page.getByRole('button', { name: 'Aanmelden' }).click();
      const alert = b.page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).not.toMatch(/password/i);
    } finally {
      await b.close();
    }
  });
});

describe('sign-in through the organisation’s own provider (OpenID Connect) in the browser', () => {
  let platform: Platform;
  let provider: TestProvider;
  beforeAll(async () => {
    // The redirect address names the platform's port, so the port is chosen first.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = s.address() as AddressInfo;
        s.close(() => resolve(p));
      });
    });
    const origin = `http://127.0.0.1:${port}`;
    provider = await startTestProvider(`${origin}/api/auth/oidc/callback`);
    const oidc = new OidcClient({
      issuer: provider.issuer,
      clientId: OIDC_TEST_CLIENT.id,
      clientSecret: OIDC_TEST_CLIENT.secret,
      redirectUri: `${origin}/api/auth/oidc/callback`,
    });
    platform = await startPlatform({
      port,
      identity: { oidc, secret: 'a key for the flow cookie of this test run only', origins: [origin] },
    });
  });
  afterAll(async () => {
    await platform?.close();
    await provider?.close();
  });

  it('signs a person in with the button on the sign-in page, the provider’s second factor counting as theirs', async () => {
    await addAccount(platform.database, {
      username: 'maria',
      role: 'commission_analyst',
      oidcIssuer: provider.issuer,
      oidcSubject: 'maria-at-the-provider',
    });
    const b = await openBrowser();
    try {
      await b.page.goto(`${platform.url}/state-of-play`);
      await b.page.getByRole('link', { name: /Sign in with your organisation/ }).click();
      // The provider's own pages (plain forms): who, with a second factor; then consent.
      await b.page.locator('input[name=login]').fill('maria-at-the-provider');
      await b.page.locator('input[name=otp]').check();
      await b.page.getByRole('button', { name: 'Sign in' }).click();
      await b.page.getByRole('button', { name: 'Continue' }).click();
      await b.page.locator('nav.site-nav').waitFor();
      await expect(b.page.locator('.account-link').textContent()).resolves.toContain('maria');
      expect(new URL(b.page.url()).origin).toBe(platform.url);
    } finally {
      await b.close();
    }
  });
});
