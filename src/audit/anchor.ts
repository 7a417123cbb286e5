import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Executor } from '../db/db.ts';
import { selectAuditChainHeads, selectAuditLinesAt } from './audit.repository.ts';

/**
 * Anchors of the audit trail outside the database (issue 19, finding 6). The owner of the database
 * can disable every trigger and re-hash a whole chain consistently; what it cannot do is change what
 * was written, signed, to a file outside the database before. An anchor names one chain's head at
 * one moment — chain id, position (the line's sequence number) and the hash of that line — signed
 * with Ed25519 by a key kept beside the configuration (made on first use, mode 0600). Anchors are
 * appended, one JSON line each, to a file that is only ever appended to. `audit verify` checks every
 * anchor: the line at that position must still carry that hash, so that a rewrite of anything at or
 * before an anchored head is found even when the rest of the chain was re-hashed to match.
 *
 * The format depends on nothing but (chain, position, hash), so it outlives a change of how lines are
 * chained (a sealer with Merkle batches: the position of a batch's last line and the batch's root).
 */
export interface Anchor {
  v: 1;
  chain: string;
  seq: number;
  hash: string;
  /** When it was taken, UTC. */
  at: string;
  /** SHA-256 of the signing key's public half (SPKI DER), hex. */
  key: string;
  /** Ed25519 over `anchorBytes`, base64. */
  sig: string;
}

export interface AnchorFiles {
  /** The private key (PKCS#8 PEM): PATHWAYS_AUDIT_ANCHOR_KEY, else `audit-anchor.key` in the data folder. */
  keyFile: string;
  /** The anchors, one JSON line each: PATHWAYS_AUDIT_ANCHORS, else `audit-anchors.jsonl` in the data folder. */
  anchorFile: string;
}

export function anchorFiles(
  config: { PATHWAYS_DATA: string; PATHWAYS_AUDIT_ANCHOR_KEY?: string | undefined; PATHWAYS_AUDIT_ANCHORS?: string | undefined },
  dataDir?: string,
): AnchorFiles {
  const dir = dataDir ?? config.PATHWAYS_DATA;
  return {
    keyFile: config.PATHWAYS_AUDIT_ANCHOR_KEY ?? join(dir, 'audit-anchor.key'),
    anchorFile: config.PATHWAYS_AUDIT_ANCHORS ?? join(dir, 'audit-anchors.jsonl'),
  };
}

export const anchorBytes = (a: Omit<Anchor, 'sig'>): Buffer =>
  Buffer.from(JSON.stringify([a.v, a.chain, a.seq, a.hash, a.at, a.key]), 'utf8');

const fingerprintOf = (key: KeyObject): string =>
  createHash('sha256')
    .update((key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' }))
    .digest('hex');

/** The signing key: read, or made on first use (mode 0600, never overwriting a file). */
export function anchorKey(keyFile: string): { privateKey: KeyObject; publicKey: KeyObject; fingerprint: string } {
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another process made it first: use theirs
    }
  }
  const privateKey = createPrivateKey(readFileSync(keyFile));
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, fingerprint: fingerprintOf(publicKey) };
}

/** Every anchor of the file, and the lines whose signature does not hold under `publicKey`. */
export function readAnchors(
  anchorFile: string,
  publicKey: KeyObject,
): { anchors: Anchor[]; forged: { line: number; chain: string | null }[] } {
  const anchors: Anchor[] = [];
  const forged: { line: number; chain: string | null }[] = [];
  if (!existsSync(anchorFile)) return { anchors, forged };
  const fingerprint = fingerprintOf(publicKey);
  readFileSync(anchorFile, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (text.trim() === '') return;
      let a: Anchor | null = null;
      try {
        a = JSON.parse(text) as Anchor;
      } catch {
        // not JSON: forged (or cut)
      }
      const holds =
        a !== null &&
        a.v === 1 &&
        typeof a.chain === 'string' &&
        Number.isInteger(a.seq) &&
        typeof a.hash === 'string' &&
        typeof a.at === 'string' &&
        a.key === fingerprint &&
        typeof a.sig === 'string' &&
        signatureHolds(a, publicKey);
      if (holds) anchors.push(a!);
      else forged.push({ line: i + 1, chain: typeof a?.chain === 'string' ? a.chain : null });
    });
  return { anchors, forged };
}

function signatureHolds(a: Anchor, publicKey: KeyObject): boolean {
  try {
    return verify(null, anchorBytes(a), publicKey, Buffer.from(a.sig, 'base64'));
  } catch {
    return false;
  }
}

/**
 * Takes an anchor of every chain's head that moved since its last anchor, and appends them to the
 * file. Runs in the operator's scope (the heads are read through `audit_chains_heads()`).
 */
export async function writeAnchors(db: Executor, files: AnchorFiles, now: Date = new Date()): Promise<Anchor[]> {
  const { privateKey, publicKey, fingerprint } = anchorKey(files.keyFile);
  const heads = await selectAuditChainHeads(db);
  const last = new Map<string, Anchor>();
  for (const a of readAnchors(files.anchorFile, publicKey).anchors) last.set(a.chain, a);
  const at = now.toISOString();
  const taken: Anchor[] = [];
  for (const h of heads) {
    const before = last.get(h.chain);
    if (before && before.seq === h.seq && before.hash === h.hash) continue;
    const unsigned = { v: 1 as const, chain: h.chain, seq: h.seq, hash: h.hash, at, key: fingerprint };
    taken.push({ ...unsigned, sig: sign(null, anchorBytes(unsigned), privateKey).toString('base64') });
  }
  if (taken.length > 0) {
    mkdirSync(dirname(files.anchorFile), { recursive: true });
    appendFileSync(files.anchorFile, taken.map((a) => `${JSON.stringify(a)}\n`).join(''), { mode: 0o600 });
  }
  return taken;
}

/** The anchors whose line no longer carries the anchored hash (rewritten, or removed). */
export async function brokenAnchors(db: Executor, anchors: Anchor[]): Promise<Anchor[]> {
  if (anchors.length === 0) return [];
  const found = await selectAuditLinesAt(db, anchors);
  const stored = new Map(found.map((f) => [`${f.chain}\u0000${f.seq}`, f.hash]));
  return anchors.filter((a) => stored.get(`${a.chain}\u0000${a.seq}`) !== a.hash);
}
