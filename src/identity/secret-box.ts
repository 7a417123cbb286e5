import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';

/**
 * TOTP secrets at rest: sealed with AES-256-GCM under a key derived (HKDF-SHA-256) from
 * PATHWAYS_SECRET, which lives outside the database. A copy or a backup of the database then
 * holds no usable second factor. Without PATHWAYS_SECRET a secret is kept as it is (the embedded
 * database on one's own machine); `pathways serve` says so. A sealed value reads `v1:iv.data.tag`.
 */
const PREFIX = 'v1:';

function keyOf(secret: string | undefined): Buffer | null {
  if (!secret || secret.length < 32) return null;
  return Buffer.from(hkdfSync('sha256', secret, 'pathways', 'totp-secret', 32));
}

export const sealingConfigured = (secret = process.env.PATHWAYS_SECRET): boolean => keyOf(secret) !== null;

export function sealSecret(plain: string, secret = process.env.PATHWAYS_SECRET): string {
  const key = keyOf(secret);
  if (!key) return plain;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${PREFIX}${iv.toString('base64url')}.${data.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
}

export function openSecret(stored: string, secret = process.env.PATHWAYS_SECRET): string {
  if (!stored.startsWith(PREFIX)) return stored;
  const key = keyOf(secret);
  if (!key) throw appError(ErrorCode.Configuration, 'secretKeyMissing');
  const [iv, data, tag] = stored.slice(PREFIX.length).split('.') as [string, string, string];
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw appError(ErrorCode.Configuration, 'secretKeyWrong');
  }
}
