import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
      const stored = await b.page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookies: document.cookie }));
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
