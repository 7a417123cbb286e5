import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real OpenID Connect provider (`oidc-provider`) on the loopback, with one confidential client
 * (Pathways, sending people back to `redirectUri`) and accounts named by whatever is typed at its
 * sign-in form. Its interaction pages are plain HTML forms (driven with fetch by
 * src/identity/oidc.test.ts, in Chromium by test/browser/sign-in.test.ts); a box on the form says
 * whether the person also gave a second factor (the ID token's `amr` then says `otp`).
 */
export const OIDC_TEST_CLIENT = { id: 'pathways', secret: 'pathways-client-secret-for-tests-only' };

export interface TestProvider {
  issuer: string;
  close(): Promise<void>;
}

export async function startTestProvider(redirectUri: string): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { default: Provider } = await importProvider();
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_TEST_CLIENT.id,
        client_secret: OIDC_TEST_CLIENT.secret,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: 'test-key', use: 'sig', alg: 'RS256' }] },
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['oidc-test-cookie-key'] },
    pkce: { required: () => true },
    // Lifetimes stated (in seconds), as a real provider states them; oidc-provider notes each default it falls back to.
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 3600, Session: 86400, Grant: 86400 },
    // oidc-provider puts amr in the ID token only when the scope names it; a provider like EU Login states it.
    claims: { acr: null, amr: null, auth_time: null, iss: null, sid: null, openid: ['sub', 'amr', 'acr', 'auth_time'] },
  });
  const callback = provider.callback();
  server.on('request', async (req: IncomingMessage, res) => {
    const m = req.url?.match(/^\/interaction\/([^/?]+)(\/(login|confirm))?/);
    if (!m) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'GET') {
        res.setHeader('content-type', 'text/html');
        const form =
          details.prompt.name === 'login'
            ? `<form method="post" action="/interaction/${m[1]}/login"><input type="hidden" name="uid" value="${m[1]}"><input name="login"><input type="checkbox" name="otp" value="1"><button>Sign in</button></form>`
            : `<form method="post" action="/interaction/${m[1]}/confirm"><input type="hidden" name="uid" value="${m[1]}"><button>Continue</button></form>`;
        return res.end(`<!doctype html><title>${details.prompt.name}</title>${form}`);
      }
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const body = new URLSearchParams(raw);
      if (m[3] === 'login') {
        const amr = body.get('otp') ? ['pwd', 'otp'] : ['pwd'];
        return await provider.interactionFinished(
          req,
          res,
          { login: { accountId: body.get('login'), amr } },
          { mergeWithLastSubmission: false },
        );
      }
      const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      grant.addOIDCScope('openid');
      return await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    } catch (e) {
      res.statusCode = 500;
      res.end(String(e));
    }
  });
  return { issuer, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * oidc-provider 9 warns "Unsupported runtime. Use Node.js v22.x LTS, or a later LTS release." (with
 * console.warn, when its module is first loaded) on Node 20, which the project supports: it is a
 * test-only provider here, it works on Node 20, and the line only alarms whoever runs the tests. That
 * one line is held back while the module loads; any other warning goes through.
 */
// biome-ignore lint/suspicious/noExplicitAny: oidc-provider ships no types; the test drives it only through its documented calls
async function importProvider(): Promise<{ default: new (issuer: string, config: object) => any }> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime.')) return;
    warn(...args);
  };
  try {
    // biome-ignore lint/suspicious/noExplicitAny: oidc-provider ships no types; the test drives it only through its documented calls
    return (await import('oidc-provider' as string)) as { default: new (issuer: string, config: object) => any };
  } finally {
    console.warn = warn;
  }
}
