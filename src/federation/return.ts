import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { StateReturn } from '../programmes/returns.ts';
import type { Lang } from '../reference/country.ts';
import type { State } from '../reference/state.ts';
import { isValidIsoDate, PATHWAYS, type Round } from '../rounds/round.ts';
import {
  assembleStateOfPlay,
  type ArrivalCell,
  type StateOfPlay,
  type StateOfPlayRow,
  type StatePledges,
} from '../state-of-play/state-of-play.ts';

/**
 * A Member State's return to the Commission (P 26, P 27): the aggregates of one state, one round,
 * as of a day — counts only. The schema is the contract between two instances: strict at every
 * level, so a key outside it (an id, a name, a date of birth, a case reference, free text) is
 * refused by the receiver as it would be by the sender. Every string is a code or a date.
 */
const count = z.number().int().min(0).max(100_000_000);
const code = (re: RegExp, what: string) => z.string().regex(re, { message: what });
export const ISO_DATE = code(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').refine(isValidIsoDate, { message: 'a date that exists' });
const pathway = z.enum(PATHWAYS);

export const RETURN_SCHEMA = 'pathways-return/1';

export const ReturnPayload = z
  .object({
    schema: z.literal(RETURN_SCHEMA),
    state: code(/^[A-Z]{2}$/, 'a Member State code'),
    round: code(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'a round id'),
    asOf: ISO_DATE,
    /** When the sender signed it (UTC, ISO 8601 with milliseconds): the receiver refuses one far from its own clock. */
    sentAt: code(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'a UTC time YYYY-MM-DDTHH:MM:SS.sssZ'),
    /** Unique per sending (128 random bits, hex): a message seen before is recognised by it. */
    nonce: code(/^[0-9a-f]{32}$/, '32 hexadecimal digits'),
    /** The fingerprint of the key that signed it. */
    key: code(/^[0-9a-f]{64}$/, 'a SHA-256 fingerprint (64 hexadecimal digits)'),
    /** Point 26: persons arrived under the pledge, by country of departure and by month of arrival. */
    resettlement: z
      .object({
        arrived: count,
        byDeparture: z.record(code(/^[A-Z]{3}$/, 'an ISO 3166 alpha-3 code'), count),
        byMonth: z.record(code(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM'), count),
        pathways: z.array(pathway).min(1),
      })
      .strict(),
    /** Point 27: persons admitted per pathway (every one but resettlement) and programme (its code; null for none). */
    admissions: z
      .array(
        z
          .object({ pathway, programme: code(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$/, 'a programme code').nullable(), persons: count })
          .strict(),
      )
      .max(1000),
    familyReunificationSupport: z
      .object({ requests: count, familyMembers: count, byOutcome: z.record(code(/^[a-z][a-z_]{0,39}$/, 'an outcome code'), count) })
      .strict()
      .optional(),
    candidatesAdmitted: z.partialRecord(pathway, count).optional(),
  })
  .strict();
export type ReturnPayload = z.infer<typeof ReturnPayload>;

/** On the wire: the return and the Ed25519 signature of its canonical bytes. */
export const ReturnEnvelope = z
  .object({ payload: ReturnPayload, signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, { message: 'an Ed25519 signature, base64' }) })
  .strict();
export type ReturnEnvelope = z.infer<typeof ReturnEnvelope>;

// ── Canonical bytes (after RFC 8785, for the values a return holds) ───────────────────────────
/**
 * Sorted keys, no white space, strings as JSON writes them; numbers only as safe integers (a float
 * would need RFC 8785's number form, and a return has none); null and booleans as themselves.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`canonical JSON takes integers only, not ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
}

export const canonicalBytes = (payload: ReturnPayload): Buffer => Buffer.from(canonicalJson(payload), 'utf8');
export const digestOf = (payload: ReturnPayload): string => createHash('sha256').update(canonicalBytes(payload)).digest('hex');

// ── Keys and signatures (Ed25519, node:crypto) ────────────────────────────────────────────────
/** SHA-256 of the public key's SPKI DER, hex (of a key pair's public half, given either half). */
export function fingerprintOf(keyOrPem: KeyObject | string): string {
  // A private key names the public key it holds.
  const key = typeof keyOrPem === 'string' || keyOrPem.type === 'private' ? createPublicKey(keyOrPem) : keyOrPem;
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** The public key of a PEM text, if it is an Ed25519 one; null otherwise. */
export function ed25519PublicKey(pem: string): KeyObject | null {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? key : null;
  } catch {
    return null;
  }
}

export function signReturn(payload: ReturnPayload, privateKey: KeyObject): ReturnEnvelope {
  return { payload, signature: sign(null, canonicalBytes(payload), privateKey).toString('base64') };
}

export function signatureHolds(envelope: ReturnEnvelope, publicKey: KeyObject): boolean {
  try {
    return verify(null, canonicalBytes(envelope.payload), publicKey, Buffer.from(envelope.signature, 'base64'));
  } catch {
    return false;
  }
}

// ── Building a return ─────────────────────────────────────────────────────────────────────────
/**
 * The return of one state from its own figures: its row of the state of play (P 26) and its line
 * of the admissions returns (P 27). Only counts and codes are copied: nothing else of either
 * report can reach the return.
 */
export function buildReturn(input: {
  state: string;
  round: string;
  asOf: string;
  sentAt: Date;
  nonce: string;
  key: string;
  pathways: readonly string[];
  stateOfPlay: Pick<StateOfPlayRow, 'arrived' | 'byDeparture' | 'byMonth'> | null;
  admissions: StateReturn | null;
}): ReturnPayload {
  const a = input.admissions;
  return ReturnPayload.parse({
    schema: RETURN_SCHEMA,
    state: input.state,
    round: input.round,
    asOf: input.asOf,
    sentAt: input.sentAt.toISOString(),
    nonce: input.nonce,
    key: input.key,
    resettlement: {
      arrived: input.stateOfPlay?.arrived ?? 0,
      byDeparture: { ...(input.stateOfPlay?.byDeparture ?? {}) },
      byMonth: { ...(input.stateOfPlay?.byMonth ?? {}) },
      pathways: [...input.pathways],
    },
    admissions: (a?.programmes ?? [])
      .filter((p) => p.persons > 0)
      .map((p) => ({ pathway: p.pathway, programme: p.code, persons: p.persons })),
    ...(a && {
      familyReunificationSupport: {
        requests: a.familyReunification.requests,
        familyMembers: a.familyReunification.familyMembers,
        byOutcome: { ...a.familyReunification.byOutcome },
      },
      candidatesAdmitted: Object.fromEntries(Object.entries(a.candidatesAdmitted).filter(([, n]) => n > 0)),
    }),
  });
}

/**
 * A return as arrival cells of the state of play: one per country of departure, one per month —
 * what `assembleStateOfPlay` counts from the Commission's own ledger, here from the state's word.
 */
export function arrivalCellsOf(payload: ReturnPayload): ArrivalCell[] {
  const r = payload.resettlement;
  return [
    ...Object.entries(r.byDeparture).map(([country, persons]) => ({
      stateCode: payload.state,
      countryOfDeparture: country,
      month: null,
      persons,
    })),
    ...Object.entries(r.byMonth).map(([month, persons]) => ({ stateCode: payload.state, countryOfDeparture: null, month, persons })),
  ];
}

// ── Receiving: the decision, given what is already stored ─────────────────────────────────────
/** How far a return's sentAt may be from the receiver's clock: a message captured and replayed later is refused. */
export const SENT_AT_WINDOW_MS = 10 * 60 * 1000;

export interface StoredReturn {
  id: number;
  digest: string;
  nonce: string;
  sentAt: string;
}

export type ReceiptDecision =
  | { outcome: 'accept' }
  | { outcome: 'duplicate'; of: StoredReturn }
  | { outcome: 'refuse'; reason: 'outsideWindow' | 'nonceReused' | 'superseded' };

/**
 * What to do with a verified return, given the returns stored for its state, round and day
 * (`sameDay`) and the one stored with its nonce, if any. The same bytes again are a duplicate
 * (idempotent), unless a later one has replaced them; a nonce seen with other bytes is a replay;
 * a return signed before one already received for the day is a replay of a superseded return.
 */
export function decideReceipt(input: {
  payload: ReturnPayload;
  digest: string;
  now: Date;
  sameDay: readonly StoredReturn[];
  sameNonce: StoredReturn | null;
}): ReceiptDecision {
  const sent = Date.parse(input.payload.sentAt);
  if (!Number.isFinite(sent) || Math.abs(input.now.getTime() - sent) > SENT_AT_WINDOW_MS)
    return { outcome: 'refuse', reason: 'outsideWindow' };
  const later = (r: StoredReturn) => Date.parse(r.sentAt) > sent;
  const same = input.sameDay.find((r) => r.digest === input.digest);
  if (same) return input.sameDay.some(later) ? { outcome: 'refuse', reason: 'superseded' } : { outcome: 'duplicate', of: same };
  if (input.sameNonce) return { outcome: 'refuse', reason: 'nonceReused' };
  if (input.sameDay.some((r) => Date.parse(r.sentAt) >= sent)) return { outcome: 'refuse', reason: 'superseded' };
  return { outcome: 'accept' };
}

// ── The Commission's state of play from the returns received ──────────────────────────────────
export interface ReturnReference {
  asOf: string;
  digest: string;
  sentAt: string;
  receivedAt: string;
}

export type ReturnsStateOfPlayRow = Omit<StateOfPlayRow, 'arrived' | 'deliveredShare'> & {
  /** null: the state has not reported (which is not zero). */
  arrived: number | null;
  deliveredShare: number | null;
  /** The return the row is built from; null where none was received. */
  reported: ReturnReference | null;
};

export type ReturnsStateOfPlay = Omit<StateOfPlay, 'states'> & { states: ReturnsStateOfPlayRow[]; reported: number; notReported: number };

/**
 * Per state, its latest return fed as arrival cells into the same pure `assembleStateOfPlay` the
 * Commission's own ledger feeds; the states without a return keep their pledges and show no
 * arrivals at all. The totals count what was reported; the share delivered is that of the states that reported.
 */
export function assembleFromReturns(input: {
  round: Round;
  asOf: string;
  lang: Lang;
  states: readonly State[];
  pledges: ReadonlyMap<string, StatePledges>;
  returns: readonly (ReturnReference & { stateCode: string; payload: ReturnPayload })[];
}): ReturnsStateOfPlay {
  const byState = new Map(input.returns.map((r) => [r.stateCode, r]));
  const sop = assembleStateOfPlay({
    round: input.round,
    asOf: input.asOf,
    lang: input.lang,
    pathways: input.round.pathways,
    states: input.states,
    pledges: input.pledges,
    arrivals: input.returns.flatMap((r) => arrivalCellsOf(r.payload)),
  });
  const states = sop.states.map((row): ReturnsStateOfPlayRow => {
    const r = byState.get(row.code);
    if (!r) return { ...row, arrived: null, deliveredShare: null, reported: null };
    return { ...row, reported: { asOf: r.asOf, digest: r.digest, sentAt: r.sentAt, receivedAt: r.receivedAt } };
  });
  const reporting = states.filter((s) => s.reported);
  // The share delivered is of the places pledged by the states that reported: the others' arrivals
  // are unknown, not zero. None reported: no share at all.
  const pledgedReporting = reporting.reduce((n, s) => n + s.pledged, 0);
  const deliveredShare = pledgedReporting > 0 ? sop.totals.arrived / pledgedReporting : null;
  return {
    ...sop,
    totals: { ...sop.totals, deliveredShare },
    states,
    reported: reporting.length,
    notReported: states.length - reporting.length,
  };
}
