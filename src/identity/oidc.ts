import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import type { Config } from '../config/config.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';

/**
 * Sign-in by OpenID Connect (the Commission's EU Login speaks it), with `openid-client`: the
 * authorization code flow with PKCE (S256), `state` and `nonce`, and the ID token's signature always
 * checked against the provider's published keys (`enableNonRepudiationChecks`: without it the library
 * trusts a token read over TLS unsigned-checked), in the one algorithm configured (never `none`).
 * No account is created here: an administrator registers the issuer and subject first.
 */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Absent for a public client (PKCE alone). */
  clientSecret?: string | undefined;
  redirectUri: string;
  /** `acr` values that mean the provider checked a second factor. */
  strongAcr?: readonly string[];
  /** The one algorithm the provider's ID tokens are signed with. Default RS256. */
  idTokenAlg?: string;
  /** The fetch the client uses (tests; an outgoing proxy). */
  fetch?: typeof fetch;
}

/** `amr` values (RFC 8176) that say a second factor was checked. */
export const STRONG_AMR = ['mfa', 'otp', 'hwk'] as const;
/** How long a browser has from leaving for the provider to coming back. */
export const FLOW_MINUTES = 10;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const plainHttpAllowed = (u: URL) => u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname));

/** The settings from the configuration; null when OIDC_ISSUER is unset (no OpenID Connect sign-in). */
export function oidcSettingsFromConfig(config: Config): OidcSettings | null {
  if (!config.OIDC_ISSUER) return null;
  const problems: string[] = [];
  if (!config.OIDC_CLIENT_ID) problems.push('OIDC_CLIENT_ID: required with OIDC_ISSUER');
  if (!config.OIDC_REDIRECT_URI) problems.push('OIDC_REDIRECT_URI: required with OIDC_ISSUER');
  for (const [name, value] of [
    ['OIDC_ISSUER', config.OIDC_ISSUER],
    ['OIDC_REDIRECT_URI', config.OIDC_REDIRECT_URI],
  ] as const) {
    if (value && !plainHttpAllowed(new URL(value))) problems.push(`${name}: must be https (plain http only on 127.0.0.1 or localhost)`);
  }
  if (problems.length) throw appError(ErrorCode.Configuration, 'configuration', { p1: problems.join('\n  ') });
  return {
    issuer: config.OIDC_ISSUER,
    clientId: config.OIDC_CLIENT_ID!,
    clientSecret: config.OIDC_CLIENT_SECRET,
    redirectUri: config.OIDC_REDIRECT_URI!,
    strongAcr: (config.OIDC_STRONG_ACR ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
}

/** What the browser keeps between leaving for the provider and coming back (in a signed cookie). */
export interface OidcFlow {
  state: string;
  nonce: string;
  verifier: string;
  /** Until when (ms since 1970). */
  expires: number;
}

/** Who the provider says signed in. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  /** The provider checked a second factor (`amr` or a strong `acr`). */
  secondFactorPassed: boolean;
}

/** Whether an ID token's claims say a second factor was checked. Pure. */
export function strongAuthentication(claims: { amr?: unknown; acr?: unknown }, strongAcr: readonly string[] = []): boolean {
  const amr = Array.isArray(claims.amr) ? claims.amr : [];
  return (
    amr.some((m) => (STRONG_AMR as readonly unknown[]).includes(m)) || (typeof claims.acr === 'string' && strongAcr.includes(claims.acr))
  );
}

export class OidcClient {
  readonly settings: OidcSettings;
  #config: Promise<client.Configuration> | undefined;

  constructor(settings: OidcSettings) {
    for (const u of [settings.issuer, settings.redirectUri]) {
      if (!plainHttpAllowed(new URL(u)))
        throw appError(ErrorCode.Configuration, 'configuration', { p1: `${u}: must be https (plain http only on 127.0.0.1 or localhost)` });
    }
    this.settings = settings;
  }

  /** The provider's metadata and keys, discovered once (again after a failure). */
  configuration(): Promise<client.Configuration> {
    if (!this.#config) {
      const s = this.settings;
      const issuer = new URL(s.issuer);
      const execute = [client.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [])];
      this.#config = client
        .discovery(
          issuer,
          s.clientId,
          { id_token_signed_response_alg: s.idTokenAlg ?? 'RS256' },
          s.clientSecret ? client.ClientSecretBasic(s.clientSecret) : client.None(),
          {
            execute,
            ...(s.fetch ? { [client.customFetch]: s.fetch as client.CustomFetch } : {}),
          },
        )
        .catch((e: unknown) => {
          this.#config = undefined;
          // No status says "the identity provider is down" better than 401 here: nobody can sign in this way now.
          throw appError(ErrorCode.Unauthenticated, 'oidcUnavailable', { reason: reasonOf(e) });
        });
    }
    return this.#config;
  }

  /** Where to send the browser, and what to keep until it comes back. */
  async start(now = Date.now()): Promise<{ url: URL; flow: OidcFlow }> {
    const config = await this.configuration();
    const flow: OidcFlow = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      expires: now + FLOW_MINUTES * 60_000,
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: 'openid',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    return { url, flow };
  }

  /**
   * Completes the flow from the URL the provider sent the browser back to: checks state, exchanges
   * the code with the PKCE verifier, checks the ID token (signature, issuer, audience, nonce, times).
   */
  async finish(callbackUrl: URL, flow: OidcFlow, now = Date.now()): Promise<OidcIdentity> {
    if (flow.expires < now) throw appError(ErrorCode.Unauthenticated, 'oidcFlowMissing');
    const config = await this.configuration();
    // The code was issued for the registered redirect URI: the callback's parameters on that URI
    // (a proxy in front of the server may have changed the host the request names).
    const current = new URL(this.settings.redirectUri);
    current.search = callbackUrl.search;
    let claims: client.IDToken | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (e) {
      throw appError(ErrorCode.Unauthenticated, 'oidcFailed', { reason: reasonOf(e) });
    }
    if (!claims) throw appError(ErrorCode.Unauthenticated, 'oidcFailed', { reason: 'no ID token' });
    return {
      issuer: claims.iss,
      subject: claims.sub,
      secondFactorPassed: strongAuthentication(claims as { amr?: unknown; acr?: unknown }, this.settings.strongAcr),
    };
  }
}

function reasonOf(e: unknown): string {
  if (e instanceof client.AuthorizationResponseError) return e.error;
  const err = e as { code?: unknown; message?: unknown };
  return (
    [typeof err.code === 'string' ? err.code : '', typeof err.message === 'string' ? err.message : '']
      .filter(Boolean)
      .join(': ')
      .slice(0, 200) || 'error'
  );
}

/** A key for signing the flow cookie: the configured secret, or one random key for this process. */
export const flowKey = (secret?: string): Buffer =>
  secret ? createHmac('sha256', 'pathways.oidc-flow').update(secret).digest() : processKey;
const processKey = randomBytes(32);

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

/** The flow as a cookie value: its JSON in base64url, a dot, its HMAC-SHA-256. */
export function sealFlow(flow: OidcFlow, key: Buffer): string {
  const payload = Buffer.from(JSON.stringify(flow)).toString('base64url');
  return `${payload}.${mac(key, payload)}`;
}

/** The flow back from a cookie value; null when it is absent, altered, or not a flow. */
export function openFlow(value: string | undefined, key: Buffer): OidcFlow | null {
  if (!value) return null;
  const [payload, signature, ...rest] = value.split('.');
  if (!payload || !signature || rest.length) return null;
  const expected = Buffer.from(mac(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const flow = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<OidcFlow>;
    if (
      typeof flow.state !== 'string' ||
      typeof flow.nonce !== 'string' ||
      typeof flow.verifier !== 'string' ||
      typeof flow.expires !== 'number'
    )
      return null;
    return flow as OidcFlow;
  } catch {
    return null;
  }
}
