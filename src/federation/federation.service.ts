import { randomBytes, type KeyObject } from 'node:crypto';
import { authorize, policies } from '../access/policy.ts';
import type { Principal } from '../access/principal.ts';
import { inPublicScope, inScope, narrowScopeToState } from '../access/scope.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Db, Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { roundStates } from '../pledges/pledge.service.ts';
import { admissionsReport } from '../programmes/returns.service.ts';
import type { Lang } from '../reference/country.ts';
import { getRound } from '../rounds/round.service.ts';
import { isValidIsoDate } from '../rounds/round.ts';
import { pledgesByState } from '../state-of-play/state-of-play.service.ts';
import { stateOfPlay } from '../state-of-play/state-of-play.service.ts';
import {
  allKeys,
  insertKey,
  insertReturn,
  keyByFingerprint,
  latestReturns,
  receivedById,
  receivedList,
  returnByNonce,
  returnsOfDay,
  revokeKeyRow,
  sentList,
  type KeyRow,
  type ReceivedRow,
  type SentRow,
} from './federation.repository.ts';
import {
  assembleFromReturns,
  buildReturn,
  decideReceipt,
  digestOf,
  ed25519PublicKey,
  fingerprintOf,
  ReturnEnvelope,
  SENT_AT_WINDOW_MS,
  signatureHolds,
  type ReturnPayload,
  type ReturnsStateOfPlay,
} from './return.ts';

// ── Keys (the Commission's instance) ──────────────────────────────────────────────────────────
export interface FederationKey {
  state: string;
  fingerprint: string;
  publicKey: string;
  registeredAt: string;
  registeredBy: string;
  revokedAt: string | null;
}
const presentKey = (k: KeyRow): FederationKey => ({
  state: k.stateCode,
  fingerprint: k.fingerprint,
  publicKey: k.publicKey,
  registeredAt: new Date(k.registeredAt).toISOString(),
  registeredBy: k.registeredBy,
  revokedAt: k.revokedAt ? new Date(k.revokedAt).toISOString() : null,
});

export async function registerKey(opts: { db: Executor; actor: Actor; stateCode: string; publicKey: string }): Promise<FederationKey> {
  const { db, actor, stateCode } = opts;
  authorize(policies.manageFederationKeys, actor, undefined);
  const key = ed25519PublicKey(opts.publicKey);
  if (!key) throw appError(ErrorCode.BadInput, 'federationKeyInvalid');
  const fingerprint = fingerprintOf(key);
  const pem = key.export({ type: 'spki', format: 'pem' }).toString();
  const row = await insertKey(db, { stateCode, publicKey: pem, fingerprint, registeredBy: actor.id });
  if (!row) throw appError(ErrorCode.Conflict, 'federationKeyExists', { fingerprint });
  await recordAudit(db, {
    actor,
    action: 'federation.key.register',
    subject: `key:${fingerprint}`,
    stateCode: null,
    details: { state: stateCode },
  });
  return presentKey(row);
}

export async function revokeKey(opts: { db: Executor; actor: Actor; fingerprint: string }): Promise<FederationKey> {
  const { db, actor, fingerprint } = opts;
  authorize(policies.manageFederationKeys, actor, undefined);
  const row = await revokeKeyRow(db, fingerprint);
  if (!row) {
    const existing = await keyByFingerprint(db, fingerprint);
    if (!existing) throw appError(ErrorCode.NotFound, 'federationKeyNotFound', { fingerprint });
    throw appError(ErrorCode.Conflict, 'federationKeyAlreadyRevoked', { fingerprint });
  }
  await recordAudit(db, {
    actor,
    action: 'federation.key.revoke',
    subject: `key:${fingerprint}`,
    stateCode: null,
    details: { state: row.stateCode },
  });
  return presentKey(row);
}

export async function listKeys(opts: { db: Executor; actor: Actor }): Promise<FederationKey[]> {
  authorize(policies.manageFederationKeys, opts.actor, undefined);
  return (await allKeys(opts.db)).map(presentKey);
}

// ── Receiving (the Commission's instance) ─────────────────────────────────────────────────────
export interface Receipt {
  id: number;
  state: string;
  round: string;
  asOf: string;
  digest: string;
  receivedAt: string;
  outcome: 'accepted' | 'duplicate';
}
const receiptOf = (r: ReceivedRow, outcome: Receipt['outcome']): Receipt => ({
  id: r.id,
  state: r.stateCode,
  round: r.roundId,
  asOf: r.asOf,
  digest: r.digest,
  receivedAt: r.receivedAt,
  outcome,
});

/** Who speaks when a verified return is stored: the state, by its key (the audit trail names the key). */
const signerOf = (state: string, fingerprint: string): Principal => ({
  id: `key:${fingerprint}`,
  userId: null,
  username: `key:${fingerprint.slice(0, 16)}`,
  role: 'state_officer',
  stateCode: state,
  organisation: null,
});

/**
 * A return arrives, with no session: the signature is the authentication. Parsed strictly, its key
 * found (registered, not revoked, of the return's state), its signature verified over the canonical
 * bytes, its sentAt within the window — and only then, in the same transaction, the scope becomes
 * the state's, where it is stored (append-only), recognised as a duplicate, or refused as a replay.
 */
export async function receiveReturn(opts: { db: Db; body: unknown; now?: Date }): Promise<Receipt> {
  const parsed = ReturnEnvelope.safeParse(opts.body);
  if (!parsed.success) {
    const details = Object.fromEntries(parsed.error.issues.slice(0, 20).map((i) => [i.path.join('.') || '(body)', [i.message]]));
    throw appError(ErrorCode.BadInput, 'returnInvalid', {}, details);
  }
  const envelope = parsed.data;
  const p = envelope.payload;
  const now = opts.now ?? new Date();
  return inPublicScope(opts.db, async (tx) => {
    const key = await keyByFingerprint(tx, p.key);
    if (!key) throw appError(ErrorCode.Unauthenticated, 'returnKeyUnknown', { fingerprint: p.key });
    if (key.revokedAt) throw appError(ErrorCode.Unauthenticated, 'returnKeyRevoked', { fingerprint: p.key });
    if (key.stateCode !== p.state)
      throw appError(ErrorCode.Unauthenticated, 'returnKeyOtherState', { fingerprint: p.key, keyState: key.stateCode, state: p.state });
    const publicKey = ed25519PublicKey(key.publicKey);
    if (!publicKey || !signatureHolds(envelope, publicKey)) throw appError(ErrorCode.Unauthenticated, 'returnSignatureInvalid');

    // Verified: from here on the transaction acts in the state's scope only (row-level security).
    await narrowScopeToState(tx, p.state);
    await getRound(tx, p.round);
    const digest = digestOf(p);
    const [sameDay, sameNonce] = await Promise.all([returnsOfDay(tx, p.state, p.round, p.asOf), returnByNonce(tx, p.nonce)]);
    const decision = decideReceipt({ payload: p, digest, now, sameDay, sameNonce });
    const signer = signerOf(p.state, key.fingerprint);
    const audit = (receipt: Receipt) =>
      recordAudit(tx, {
        actor: signer,
        action: 'federation.return.receive',
        subject: `return:${p.state}:${p.round}:${p.asOf}`,
        stateCode: p.state,
        details: { id: receipt.id, digest, outcome: receipt.outcome, sentAt: p.sentAt },
      });
    if (decision.outcome === 'refuse') throw refusal(decision.reason, p, now);
    if (decision.outcome === 'duplicate') {
      const receipt = receiptOf((await receivedById(tx, decision.of.id))!, 'duplicate');
      await audit(receipt);
      return receipt;
    }
    const row = await insertReturn(tx, { payload: p, digest, signature: envelope.signature, keyId: key.id });
    if (!row) {
      // A twin stored between the read and the write: the same bytes are a duplicate, a nonce of other bytes a replay.
      const twin = (await returnsOfDay(tx, p.state, p.round, p.asOf)).find((r) => r.digest === digest);
      if (!twin) throw refusal('nonceReused', p, now);
      const receipt = receiptOf((await receivedById(tx, twin.id))!, 'duplicate');
      await audit(receipt);
      return receipt;
    }
    const receipt = receiptOf(row, 'accepted');
    await audit(receipt);
    return receipt;
  });
}

function refusal(reason: 'outsideWindow' | 'nonceReused' | 'superseded', p: ReturnPayload, now: Date) {
  const params = {
    state: p.state,
    round: p.round,
    asOf: p.asOf,
    sentAt: p.sentAt,
    now: now.toISOString(),
    minutes: SENT_AT_WINDOW_MS / 60_000,
  };
  const key = { outsideWindow: 'returnOutsideWindow', nonceReused: 'returnNonceReused', superseded: 'returnSuperseded' }[reason];
  return appError(ErrorCode.Unprocessable, key, params, { reason });
}

// ── The Commission's view ─────────────────────────────────────────────────────────────────────
export interface ReturnsMatrix {
  round: string | null;
  /** The days reported for, in order. */
  dates: string[];
  /** Every state of the round (or every state that reported), with its latest return per day; a day missing is not reported. */
  states: { state: string; reported: Record<string, { digest: string; sentAt: string; receivedAt: string; returns: number }> }[];
}

export async function returnsMatrix(opts: { db: Executor; actor: Actor; round?: string | undefined }): Promise<ReturnsMatrix> {
  const { db, actor } = opts;
  const own = actor.role === 'state_officer' ? actor.stateCode : null;
  authorize(policies.readReturnsReceived, actor, { stateCode: own });
  const round = opts.round === undefined ? null : await getRound(db, opts.round);
  const rows = (await receivedList(db, opts.round)).filter((r) => own === null || r.stateCode === own);
  const byState = new Map<string, ReturnsMatrix['states'][number]['reported']>();
  for (const r of rows) {
    const cells = byState.get(r.stateCode) ?? {};
    const before = cells[r.asOf];
    // Ordered by sentAt: the last one read is the latest.
    cells[r.asOf] = { digest: r.digest, sentAt: r.sentAt, receivedAt: r.receivedAt, returns: (before?.returns ?? 0) + 1 };
    byState.set(r.stateCode, cells);
  }
  const codes = round && own === null ? roundStates(round, byState.keys()).map((s) => s.code) : [...byState.keys()].sort();
  return {
    round: round?.id ?? null,
    dates: [...new Set(rows.map((r) => r.asOf))].sort(),
    states: codes.map((state) => ({ state, reported: byState.get(state) ?? {} })),
  };
}

/**
 * The Commission's state of play built from the returns received: per state the latest return of
 * the round on or before the day, beside the pledges of the Commission's own database. A state
 * without a return is not reported, not zero.
 */
export async function stateOfPlayFromReturns(opts: {
  db: Executor;
  actor: Actor;
  roundId: string;
  asOf?: string | undefined;
  lang?: Lang;
}): Promise<ReturnsStateOfPlay> {
  const { db, actor, roundId } = opts;
  authorize(policies.readReturnsReceived, actor, { stateCode: null });
  const asOf = opts.asOf ?? new Date().toISOString().slice(0, 10);
  if (!isValidIsoDate(asOf)) throw appError(ErrorCode.BadInput, 'asOfInvalid', { p1: asOf });
  const round = await getRound(db, roundId);
  const [pledges, latest] = await Promise.all([pledgesByState(db, roundId, round.pathways), latestReturns(db, roundId, asOf)]);
  const states = roundStates(round, [...pledges.keys(), ...latest.map((r) => r.stateCode)]);
  return assembleFromReturns({ round, asOf, lang: opts.lang ?? 'en', states, pledges, returns: latest });
}

// ── Sending (a Member State's instance) ───────────────────────────────────────────────────────
/** The scope a return is built in: the state's own, whoever sends it (the operator too). */
const stateScope = (actor: Actor, stateCode: string): Principal =>
  actor.role === 'operator' ? { ...actor, role: 'state_officer', stateCode } : actor;

/**
 * A state's return, built from its own figures in its own scope: its row of the state of play
 * (arrivals aggregates, never the persons) and its admissions returns of point 27 from the round's
 * start to the day.
 */
export async function buildStateReturn(opts: {
  db: Db;
  actor: Actor;
  stateCode: string;
  roundId: string;
  asOf: string;
  key: KeyObject;
  now?: Date;
}): Promise<ReturnPayload> {
  const { stateCode, roundId, asOf } = opts;
  authorize(policies.sendReturns, opts.actor, { stateCode });
  if (!isValidIsoDate(asOf)) throw appError(ErrorCode.BadInput, 'asOfInvalid', { p1: asOf });
  const scoped = stateScope(opts.actor, stateCode);
  return inScope(opts.db, scoped, async (tx) => {
    const round = await getRound(tx, roundId);
    const sop = await stateOfPlay({ db: tx, roundId, asOf });
    // biome-ignore lint/complexity/useMathMinMax: ISO dates compared as strings; Math.min would turn them into NaN
    const to = asOf < round.end ? asOf : round.end;
    const admissions =
      to < round.start
        ? null
        : ((await admissionsReport({ db: tx, actor: scoped, from: round.start, to, stateCode })).states.find(
            (s) => s.stateCode === stateCode,
          ) ?? null);
    return buildReturn({
      state: stateCode,
      round: roundId,
      asOf,
      sentAt: opts.now ?? new Date(),
      nonce: randomBytes(16).toString('hex'),
      key: fingerprintOf(opts.key),
      pathways: sop.pathways,
      stateOfPlay: sop.states.find((s) => s.code === stateCode) ?? null,
      admissions,
    });
  });
}

export interface SentReturn {
  id: number;
  state: string;
  round: string;
  asOf: string;
  digest: string;
  to: string;
  sentAt: string;
  sentBy: string;
  outcome: 'accepted' | 'duplicate' | 'refused';
  receipt: Receipt | null;
  error: string | null;
}
export const presentSent = (r: SentRow): SentReturn => ({
  id: r.id,
  state: r.stateCode,
  round: r.roundId,
  asOf: r.asOf,
  digest: r.digest,
  to: r.toUrl,
  sentAt: r.sentAt,
  sentBy: r.sentBy,
  outcome: r.outcome as SentReturn['outcome'],
  receipt: (r.receipt as Receipt | null) ?? null,
  error: r.error,
});

export async function listSent(opts: { db: Executor; actor: Actor; stateCode?: string | undefined }): Promise<SentReturn[]> {
  const state = opts.stateCode ?? (opts.actor.role === 'operator' ? undefined : (opts.actor.stateCode ?? ''));
  authorize(policies.sendReturns, opts.actor, { stateCode: state ?? '*' });
  return (await sentList(opts.db, state)).map(presentSent);
}
