import { hash, verify, Algorithm } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';

/**
 * Passwords: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane: Password Storage Cheat
 * Sheet). The encoded hash carries its parameters, so raising them later keeps old hashes valid.
 */
const PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** ASVS 5.0 6.2.1 strongly recommends 15 characters; 6.2.9 asks that at least 64 be allowed. */
export const PASSWORD_MIN = 15;
export const PASSWORD_MAX = 256;

export const hashPassword = (password: string): Promise<string> => hash(password, PARAMS);

export async function verifyPassword(encoded: string, password: string): Promise<boolean> {
  try {
    return await verify(encoded, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Checks a password against a hash of nothing anyone knows, with the same parameters: what a
 * sign-in does when the account is missing or has no password, so that it takes as long as a real
 * check and the answer's timing does not tell whether the username exists. Always false.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(32).toString('base64url'));
  await verifyPassword(await dummy, password);
  return false;
}

/** A new password (set by an administrator or at first run): long enough, and not absurdly long. */
export function checkNewPassword(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN) throw appError(ErrorCode.BadInput, 'passwordTooShort', { min: PASSWORD_MIN });
  if (length > PASSWORD_MAX) throw appError(ErrorCode.BadInput, 'passwordTooLong', { max: PASSWORD_MAX });
}
