import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/databases.ts';
import { OIDC_TEST_CLIENT as CLIENT, startTestProvider, type TestProvider } from '../../test/oidc-provider.ts';
import { addAccount, identityTestApp } from '../../test/sessions.ts';
import { rows, sql, type Database } from '../db/db.ts';
import { SESSION_COOKIE } from './authenticate.ts';
import { OIDC_FLOW_COOKIE } from './identity.routes.ts';
import { OidcClient, openFlow, sealFlow, flowKey, strongAuthentication, type OidcSettings } from './oidc.ts';

const REDIRECT = 'http://localhost/api/auth/oidc/callback';
const startProvider = () => startTestProvider(REDIRECT);

/**
 * What a browser does at the provider: follow redirects, keep its cookies, fill in and post the
 * forms; stops when the provider sends it back to Pathways, and returns that URL.
 */
async function signInAtProvider(authorizationUrl: string, who: { login: string; otp?: boolean }): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attributes] = c.split(';');
      const [name, ...value] = pair!.split('=');
      const expired = attributes.some((a) => /^\s*max-age=0$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired) jar.delete(name!.trim());
      else jar.set(name!.trim(), value.join('='));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let url = authorizationUrl;
  let init: RequestInit = {};
  for (let hops = 0; hops < 20; hops++) {
    if (url.startsWith(REDIRECT)) return url;
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as object), cookie: cookie() } });
    keep(res);
    init = {};
    const location = res.headers.get('location');
    if (location) {
      url = new URL(location, url).toString();
      continue;
    }
    const html = await res.text();
    expect(res.status, html).toBe(200);
    const action = html.match(/<form[^>]*action="([^"]+)"/)?.[1];
    expect(action, html).toBeTruthy();
    const fields = new URLSearchParams();
    for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields.set(name!, value!);
    if (html.includes('name="login"')) fields.set('login', who.login);
    if (html.includes('name="otp"') && who.otp) fields.set('otp', '1');
    url = new URL(action!, url).toString();
    init = { method: 'POST', body: fields.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('the provider never sent the browser back');
}

/** A fetch for the client that re-signs the ID token of the token response with another key, or strips its signature. */
function tamperingFetch(how: 'other-key' | 'alg-none'): typeof fetch {
  const otherKey: KeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return async (input, init) => {
    const res = await fetch(input, init);
    if (!String(input instanceof Request ? input.url : input).endsWith('/token')) return res;
    const body = (await res.json()) as { id_token?: string };
    if (body.id_token) {
      const [header, payload] = body.id_token.split('.') as [string, string];
      if (how === 'alg-none') {
        body.id_token = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
      } else {
        const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(otherKey).toString('base64url');
        body.id_token = `${header}.${payload}.${signature}`;
      }
    }
    return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
  };
}

describe('OpenID Connect: pure parts', () => {
  it('counts the provider’s second factor from amr (mfa, otp, hwk) or a configured strong acr, and nothing else', () => {
    expect(strongAuthentication({ amr: ['pwd', 'otp'] })).toBe(true);
    expect(strongAuthentication({ amr: ['hwk'] })).toBe(true);
    expect(strongAuthentication({ amr: ['mfa'] })).toBe(true);
    expect(strongAuthentication({ amr: ['pwd'] })).toBe(false);
    expect(strongAuthentication({ amr: 'otp' })).toBe(false);
    expect(strongAuthentication({ acr: 'https://eulogin/high' }, ['https://eulogin/high'])).toBe(true);
    expect(strongAuthentication({ acr: 'https://eulogin/basic' }, ['https://eulogin/high'])).toBe(false);
  });

  it('seals the flow cookie with an HMAC: an altered or foreign cookie opens to nothing', () => {
    const key = flowKey('a secret of at least thirty-two characters');
    const flow = { state: 's', nonce: 'n', verifier: 'v', expires: 1 };
    const sealed = sealFlow(flow, key);
    expect(openFlow(sealed, key)).toEqual(flow);
    const [payload, mac] = sealed.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...flow, state: 'attacker' })).toString('base64url');
    expect(openFlow(`${forged}.${mac}`, key)).toBeNull();
    expect(openFlow(`${payload}.${mac.slice(1)}A`, key)).toBeNull();
    expect(openFlow(sealed, flowKey('another secret of at least thirty-two characters'))).toBeNull();
    expect(openFlow(undefined, key)).toBeNull();
  });

  it('refuses a provider or a callback over plain http except on the loopback', () => {
    expect(() => new OidcClient({ issuer: 'http://idp.example', clientId: 'x', redirectUri: REDIRECT })).toThrow(/https/);
    expect(() => new OidcClient({ issuer: 'https://idp.example', clientId: 'x', redirectUri: 'http://pathways.example/cb' })).toThrow(
      /https/,
    );
  });
});

describe.each(databaseKinds)('OpenID Connect against a real provider, on $name', (kind) => {
  let database: Database;
  let provider: TestProvider;
  let settings: OidcSettings;
  beforeAll(async () => {
    [database, provider] = await Promise.all([kind.open(), startProvider()]);
    settings = { issuer: provider.issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret, redirectUri: REDIRECT };
  });
  afterAll(async () => {
    await provider?.close();
    await database?.close();
  });

  /** The whole flow: Pathways sends the browser away, the provider signs it in, Pathways takes it back. */
  async function flow(
    app: ReturnType<typeof identityTestApp>,
    who: { login: string; otp?: boolean; html?: boolean },
    tamperCallback?: (u: URL) => void,
  ) {
    const start = await app.request('/api/auth/oidc/login');
    expect(start.status).toBe(302);
    const flowCookie = start.headers.getSetCookie().find((c) => c.startsWith(`${OIDC_FLOW_COOKIE}=`))!;
    expect(flowCookie).toMatch(/HttpOnly/);
    expect(flowCookie).toMatch(/Secure/);
    expect(flowCookie).toMatch(/SameSite=Lax/);
    const authorization = new URL(start.headers.get('location')!);
    const back = new URL(await signInAtProvider(authorization.toString(), who));
    tamperCallback?.(back);
    const res = await app.request(back.pathname + back.search, {
      headers: { cookie: flowCookie.split(';')[0]!, accept: who.html ? 'text/html' : 'application/json' },
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: the tests read the answer's fields as the client would, whatever the route
    const body = (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : { html: text }) as Record<string, any>;
    const session = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`) && !/Max-Age=0/.test(c));
    return { authorization, res, body, session: session?.split(';')[0]?.slice(SESSION_COOKIE.length + 1) };
  }

  it('signs a registered user in through the whole code flow (PKCE, state, nonce) and ends with the right principal', async () => {
    const subject = `analyst-${kind.name}`;
    const id = await addAccount(database, {
      username: `oidc.analyst.${kind.name}`,
      role: 'commission_analyst',
      oidcIssuer: provider.issuer,
      oidcSubject: subject,
    });
    const app = identityTestApp(database, { oidc: new OidcClient(settings) });
    const { authorization, res, body, session } = await flow(app, { login: subject });
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: CLIENT.id,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid',
      code_challenge_method: 'S256',
    });
    for (const p of ['state', 'nonce', 'code_challenge']) expect(authorization.searchParams.get(p)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ user: { username: `oidc.analyst.${kind.name}`, role: 'commission_analyst' }, secondFactor: 'not_needed' });
    const probe = await app.request('/api/probe', { headers: { cookie: `${SESSION_COOKIE}=${session}` } });
    expect(probe.status).toBe(200);
    expect(await probe.json()).toMatchObject({ principal: { id: `user:${id}`, userId: id, role: 'commission_analyst', stateCode: null } });
    const [line] = await rows<{ details: Record<string, unknown> }>(
      database.db,
      sql`SELECT details FROM audit_log WHERE action = 'auth.login' AND subject = ${`user:${id}`} ORDER BY id DESC LIMIT 1`,
    );
    expect(line!.details).toMatchObject({ outcome: 'success', method: 'oidc' });
    // A browser gets a page of this site that moves it on (a redirect would lose the Strict cookie).
    const browser = await flow(app, { login: subject, html: true });
    expect(browser.res.status).toBe(200);
    expect(browser.body.html).toMatch(/<meta http-equiv="refresh" content="0;url=\/">/);
    expect(browser.res.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect((await app.request('/api/probe', { headers: { cookie: `${SESSION_COOKIE}=${browser.session}` } })).status).toBe(200);
  });

  it('counts the provider’s second factor only when the ID token says so; otherwise TOTP is still asked', async () => {
    await addAccount(database, {
      username: `oidc.officer.${kind.name}`,
      role: 'state_officer',
      stateCode: 'FR',
      oidcIssuer: provider.issuer,
      oidcSubject: `officer-${kind.name}`,
    });
    const app = identityTestApp(database, { oidc: new OidcClient(settings) });
    const withoutOtp = await flow(app, { login: `officer-${kind.name}` });
    expect(withoutOtp.body.secondFactor).toBe('enrol');
    expect((await app.request('/api/probe', { headers: { cookie: `${SESSION_COOKIE}=${withoutOtp.session}` } })).status).toBe(401);
    const withOtp = await flow(app, { login: `officer-${kind.name}`, otp: true });
    expect(withOtp.body).toMatchObject({ secondFactor: 'passed', user: { role: 'state_officer', stateCode: 'FR' } });
    const probe = await app.request('/api/probe', { headers: { cookie: `${SESSION_COOKIE}=${withOtp.session}` } });
    expect(await probe.json()).toMatchObject({ principal: { role: 'state_officer', stateCode: 'FR' } });
  });

  it('refuses a subject no administrator registered (no account is created)', async () => {
    const app = identityTestApp(database, { oidc: new OidcClient(settings) });
    const before = await rows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM users`);
    const r = await flow(app, { login: `stranger-${kind.name}` });
    expect(r.res.status).toBe(401);
    expect(r.body.message).toContain(`stranger-${kind.name}`);
    expect(r.session).toBeUndefined();
    expect(await rows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM users`)).toEqual(before);
  });

  it('refuses an ID token signed by another key, or not signed at all', async () => {
    const subject = `target-${kind.name}`;
    await addAccount(database, {
      username: `oidc.target.${kind.name}`,
      role: 'commission_analyst',
      oidcIssuer: provider.issuer,
      oidcSubject: subject,
    });
    for (const how of ['other-key', 'alg-none'] as const) {
      const app = identityTestApp(database, { oidc: new OidcClient({ ...settings, fetch: tamperingFetch(how) }) });
      const r = await flow(app, { login: subject });
      expect(r.res.status, how).toBe(401);
      expect(r.body.message, how).toMatch(/did not complete/);
      expect(r.session, how).toBeUndefined();
    }
    // The same flow without tampering succeeds: the refusal above is the signature's.
    const honest = await flow(identityTestApp(database, { oidc: new OidcClient(settings) }), { login: subject });
    expect(honest.res.status).toBe(200);
  });

  it('refuses a callback whose state was changed, or that comes without its flow cookie', async () => {
    const subject = `victim-${kind.name}`;
    await addAccount(database, {
      username: `oidc.victim.${kind.name}`,
      role: 'commission_analyst',
      oidcIssuer: provider.issuer,
      oidcSubject: subject,
    });
    const app = identityTestApp(database, { oidc: new OidcClient(settings) });
    const r = await flow(app, { login: subject }, (u) => u.searchParams.set('state', 'forged-state-forged-state-forged-state-xx'));
    expect(r.res.status).toBe(401);
    expect(r.session).toBeUndefined();
    const noCookie = await app.request('/api/auth/oidc/callback?code=abc&state=def', { headers: { accept: 'application/json' } });
    expect(noCookie.status).toBe(401);
    expect(((await noCookie.json()) as { message: string }).message).toMatch(/start again/);
  });

  it('answers 404 when OpenID Connect is not configured', async () => {
    expect((await identityTestApp(database).request('/api/auth/oidc/login')).status).toBe(404);
  });
});
