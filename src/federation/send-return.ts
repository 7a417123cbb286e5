import { createPrivateKey, type KeyObject } from 'node:crypto';
import { inScope } from '../access/scope.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Db } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { insertSent } from './federation.repository.ts';
import { buildStateReturn, presentSent, type Receipt, type SentReturn } from './federation.service.ts';
import { digestOf, signReturn } from './return.ts';

/** Where a Commission's instance takes returns, under its base URL. */
export const RETURNS_PATH = '/api/federation/returns';

/** An Ed25519 private key from PEM text; refused (400) if it is anything else. */
export function returnSigningKey(pem: string, source: string): KeyObject {
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType === 'ed25519') return key;
  } catch {
    // not a key at all: the same refusal
  }
  throw appError(ErrorCode.BadInput, 'returnKeyFile', { file: source });
}

const receiptShape = (v: unknown): v is Receipt =>
  !!v &&
  typeof v === 'object' &&
  ['id', 'state', 'round', 'asOf', 'digest', 'receivedAt', 'outcome'].every((k) => k in v) &&
  ['accepted', 'duplicate'].includes((v as Receipt).outcome);

/**
 * `pathways returns send`: builds the state's return from the local database (in the state's
 * scope), signs it, posts it to the Commission's instance, checks that the receipt names the
 * digest of what was signed, and records the sending with the receipt — or with the refusal.
 * The result says which; a refusal is not thrown, so that its record stays.
 */
export async function sendReturn(opts: {
  db: Db;
  actor: Actor;
  to: string;
  stateCode: string;
  roundId: string;
  asOf: string;
  key: KeyObject;
  lang?: string;
  fetch?: typeof fetch;
}): Promise<SentReturn> {
  const { db, actor, stateCode } = opts;
  const payload = await buildStateReturn({ db, actor, stateCode, roundId: opts.roundId, asOf: opts.asOf, key: opts.key });
  const envelope = signReturn(payload, opts.key);
  const digest = digestOf(payload);
  const url = new URL(opts.to.replace(/\/+$/, '').endsWith(RETURNS_PATH) ? opts.to : `${opts.to.replace(/\/+$/, '')}${RETURNS_PATH}`);
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': opts.lang ?? 'en' },
      body: JSON.stringify(envelope),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw appError(ErrorCode.Configuration, 'returnSendFailed', { url: url.origin, reason: (e as Error).message });
  }
  const body: unknown = await res.json().catch(() => null);
  let outcome: SentReturn['outcome'] = 'refused';
  let receipt: Receipt | null = null;
  let error: string | null = null;
  if (res.ok && receiptShape(body)) {
    if (body.digest === digest) [outcome, receipt] = [body.outcome, body];
    else error = `digest ${body.digest} ≠ ${digest}`;
  } else {
    const b = body as { code?: unknown; message?: unknown } | null;
    error =
      `${res.status} ${typeof b?.code === 'string' ? b.code : ''}: ${typeof b?.message === 'string' ? b.message : res.statusText}`.slice(
        0,
        1000,
      );
  }
  return inScope(db, actor, async (tx) => {
    const row = await insertSent(tx, {
      stateCode,
      roundId: payload.round,
      asOf: payload.asOf,
      nonce: payload.nonce,
      digest,
      toUrl: url.toString(),
      sentBy: actor.id,
      outcome,
      receipt,
      error,
    });
    await recordAudit(tx, {
      actor,
      action: 'federation.return.send',
      subject: `return:${stateCode}:${payload.round}:${payload.asOf}`,
      stateCode,
      details: { id: row.id, digest, to: url.origin, outcome },
    });
    return presentSent(row);
  });
}
