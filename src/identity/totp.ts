import { Secret, TOTP } from 'otpauth';

/**
 * The second factor: TOTP (RFC 6238) as every authenticator app speaks it: SHA-1, 6 digits, a
 * 30-second step, and one step of clock drift either way. Pure: the time is an argument. Whether a
 * step was already used is the caller's (`users.totp_last_step`), so that a code is never accepted twice.
 */
export const TOTP_ISSUER = 'Pathways';
const PARAMS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
export const TOTP_WINDOW = 1;

/** A new secret: 160 random bits (RFC 4226's recommended length), in base32. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

const totp = (secret: string, username = '') =>
  new TOTP({ ...PARAMS, issuer: TOTP_ISSUER, label: username, secret: Secret.fromBase32(secret) });

/** The `otpauth://` URL an authenticator app reads (as a QR code or typed). */
export const totpUri = (secret: string, username: string): string => totp(secret, username).toString();

/** The time step of a moment (the number of 30-second periods since 1970). */
export const totpStep = (now: number): number => TOTP.counter({ period: PARAMS.period, timestamp: now });

/** The code of a moment: for tests and for nothing else. */
export const totpCode = (secret: string, now: number): string => totp(secret).generate({ timestamp: now });

/** The step a code belongs to, within one step of `now`; null when it matches none. */
export function matchTotp(secret: string, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: now, window: TOTP_WINDOW });
  return delta === null ? null : totpStep(now) + delta;
}
