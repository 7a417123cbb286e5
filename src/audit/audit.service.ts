import type { Executor } from '../db/db.ts';
import { authorize, policies } from '../access/policy.ts';
import type { Principal } from '../access/principal.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { recordAudit } from './audit-line.service.ts';
import { brokenAnchors, type Anchor } from './anchor.ts';
import {
  type AuditLineRow,
  SEAL_CHAIN,
  sealAuditLines,
  selectAuditChains,
  selectAuditLines,
  selectBrokenAuditLines,
  selectBrokenSeals,
  selectSealReach,
} from './audit.repository.ts';

export { SEAL_CHAIN } from './audit.repository.ts';

/** A line of the audit trail as the API and the command line show it. */
export type AuditLine = AuditLineRow;

/**
 * The audit trail of a scope (a state, or null for the Commission's and the platform's own lines),
 * newest first, for its auditor. Reading it is itself a line of the trail.
 */
export async function listAudit(
  db: Executor,
  by: Principal,
  opts: { stateCode: string | null; from?: string; to?: string; action?: string; limit?: number; before?: number },
): Promise<AuditLine[]> {
  authorize(policies.readAudit, by, { stateCode: opts.stateCode });
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
  const list: AuditLine[] = await selectAuditLines(db, {
    stateCode: opts.stateCode,
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.to ? { to: opts.to } : {}),
    ...(opts.action ? { action: opts.action } : {}),
    ...(opts.before ? { before: opts.before } : {}),
    limit,
  });
  await recordAudit(db, {
    actor: by,
    action: 'audit.read',
    purpose: 'audit of processing (GDPR art. 5(2), 32)',
    subject: `audit:${opts.stateCode ?? 'EU'}`,
    stateCode: opts.stateCode,
    recordIds: list.map((l) => `audit:${l.id}`),
    details: { rows: list.length },
  });
  return list;
}

export interface ChainReport {
  chain: string;
  entries: number;
  /** The hash of the chain's last line: keep it somewhere else to detect a rewrite of the whole chain. */
  head: string;
  /**
   * `anchor`: the line at an anchored position no longer carries the anchored hash (rewritten, even
   * if re-hashed consistently, or removed); `signature`: a line of the anchor file whose signature
   * does not hold (src/audit/anchor.ts).
   */
  problems: { id: number | null; seq: number; problem: 'hash' | 'link' | 'gap' | 'head' | 'anchor' | 'signature' | 'seal' }[];
  /** How many anchors of this chain were checked. */
  anchors?: number;
  /**
   * Only on the report of the seals (chain `seals`, which holds no line of its own: `entries` 0):
   * the batches, the lines they seal, and the lines after the last seal, not sealed yet. A problem
   * `seal` names a batch whose lines (count or digest), hash or link to the batch before do not hold.
   */
  seals?: { batches: number; sealed: number; unsealed: number };
}

/** Batches of at most this many lines. */
export const SEAL_BATCH = 10_000;

/**
 * Seals the committed lines that are not sealed yet (migration 0014): in the order (transaction,
 * line), only lines whose transaction and every older one have ended, so that a line committing late
 * is sealed in a later batch and never skipped. Runs in the operator's scope; one sealer at a time.
 */
export async function sealAudit(db: Executor): Promise<{ batches: number; lines: number; unsealed: number }> {
  return sealAuditLines(db, SEAL_BATCH);
}

/**
 * Checks every chain of the trail: each line's hash is recomputed from its fields and its
 * predecessor's hash; sequence numbers have no gap; the last line is the head the trigger recorded.
 * A changed line breaks its own hash; a removed one leaves a gap or a broken link. With `anchors`
 * (signed heads kept outside the database), each anchored line must still carry its anchored hash:
 * a chain rewritten and re-hashed by its owner is found there.
 * Runs as the operator (it reads every line); returns no line's content, only where it breaks.
 */
export async function verifyAudit(
  db: Executor,
  opts: { anchors?: Anchor[]; forged?: { line: number; chain: string | null }[] } = {},
): Promise<ChainReport[]> {
  const bad = await selectBrokenAuditLines(db);
  const chains = await selectAuditChains(db);
  const anchors = opts.anchors ?? [];
  const broken = await brokenAnchors(db, anchors);
  // A chain an anchor names but the database no longer holds at all is reported too.
  const forged = (opts.forged ?? []).map((f) => ({ line: f.line, chain: f.chain ?? '?' }));
  for (const a of [...anchors, ...forged]) {
    if (a.chain !== SEAL_CHAIN && !chains.some((c) => c.chain === a.chain)) {
      chains.push({ chain: a.chain, entries: 0, lastSeq: null, lastHash: null, headSeq: null, headHash: null });
    }
  }
  const reports = chains.map((c) => {
    const problems: ChainReport['problems'] = bad
      .filter((b) => b.chain === c.chain)
      .map((b) => ({ id: b.id, seq: b.seq, problem: !b.hashOk ? 'hash' : !b.linkOk ? 'link' : 'gap' }));
    if (c.headSeq !== c.lastSeq || c.headHash !== c.lastHash) problems.push({ id: null, seq: c.headSeq ?? 0, problem: 'head' });
    for (const a of broken.filter((x) => x.chain === c.chain)) problems.push({ id: null, seq: a.seq, problem: 'anchor' });
    for (const f of forged.filter((x) => x.chain === c.chain)) problems.push({ id: null, seq: f.line, problem: 'signature' });
    const report: ChainReport = { chain: c.chain, entries: c.entries, head: c.lastHash ?? '', problems };
    if (opts.anchors) report.anchors = anchors.filter((a) => a.chain === c.chain).length;
    return report;
  });
  const reach = await selectSealReach(db);
  const seals: ChainReport = {
    chain: SEAL_CHAIN,
    entries: 0,
    head: reach.head,
    problems: (await selectBrokenSeals(db)).map((b) => ({ id: null, seq: b.seq, problem: 'seal' as const })),
    seals: { batches: reach.batches, sealed: reach.sealed, unsealed: reach.unsealed },
  };
  for (const a of broken.filter((x) => x.chain === SEAL_CHAIN)) seals.problems.push({ id: null, seq: a.seq, problem: 'anchor' });
  for (const f of forged.filter((x) => x.chain === SEAL_CHAIN)) seals.problems.push({ id: null, seq: f.line, problem: 'signature' });
  if (opts.anchors) seals.anchors = anchors.filter((a) => a.chain === SEAL_CHAIN).length;
  return [...reports, seals];
}

export function assertAuditIntact(reports: ChainReport[]): void {
  const broken = reports.filter((r) => r.problems.length > 0);
  if (broken.length > 0) {
    throw appError(
      ErrorCode.Conflict,
      'auditBroken',
      { chains: broken.map((b) => `${b.chain} (${b.problems.length})`).join(', ') },
      { chains: broken },
    );
  }
}
