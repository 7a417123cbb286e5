import { hash, verify, Algorithm } from '@node-rs/argon2';

/**
 * Passwords: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane: Password Storage Cheat
 * Sheet). The encoded hash carries its parameters, so raising them later keeps old hashes valid.
 */
const PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, PARAMS);

export async function verifyPassword(encoded: string, password: string): Promise<boolean> {
  try {
    return await verify(encoded, password);
  } catch {
    return false;
  }
}
