import type { Pathway } from '../rounds/round.ts';

/**
 * Where a candidacy for an education or labour programme stands (P 19–21, R 32–35). Pure.
 *
 * applied → shortlisted → admitted | refused | withdrawn; admitted → arrived; an education
 * candidate arrived → graduated → placed (counselling and job search after graduation, P 20), a
 * labour candidate arrived → placed. Refused, withdrawn and placed are final.
 *
 * Admission is without prejudice to the right to protection (P 21): a candidacy changes only
 * itself; the case keeps its pathway, its protection categories and its own stage.
 */
export const CANDIDATE_STATUSES = ['applied', 'shortlisted', 'admitted', 'refused', 'withdrawn', 'arrived', 'graduated', 'placed'] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];

/** The pathways a candidacy belongs to. */
export const CANDIDATE_PATHWAYS = ['education', 'labour'] as const satisfies readonly Pathway[];
export type CandidatePathway = (typeof CANDIDATE_PATHWAYS)[number];
export const isCandidatePathway = (p: string): p is CandidatePathway => (CANDIDATE_PATHWAYS as readonly string[]).includes(p);

const COMMON: Partial<Record<CandidateStatus, CandidateStatus[]>> = {
  applied: ['shortlisted', 'refused', 'withdrawn'],
  shortlisted: ['admitted', 'refused', 'withdrawn'],
  admitted: ['arrived', 'withdrawn'],
};
const AFTER_ARRIVAL: Record<CandidatePathway, Partial<Record<CandidateStatus, CandidateStatus[]>>> = {
  education: { arrived: ['graduated', 'withdrawn'], graduated: ['placed'] },
  labour: { arrived: ['placed', 'withdrawn'] },
};

export const candidateMoves = (pathway: CandidatePathway, from: CandidateStatus): CandidateStatus[] =>
  COMMON[from] ?? AFTER_ARRIVAL[pathway][from] ?? [];

export type CandidateDecision =
  | { ok: true; next: CandidateStatus }
  | { ok: false; refusal: 'not_allowed' | 'reason_required'; allowed: CandidateStatus[] };

/** A refusal or a withdrawal says why. */
export function moveCandidate(
  pathway: CandidatePathway,
  from: CandidateStatus,
  to: CandidateStatus,
  reason: string | null | undefined,
): CandidateDecision {
  const allowed = candidateMoves(pathway, from);
  if (!allowed.includes(to)) return { ok: false, refusal: 'not_allowed', allowed };
  if ((to === 'refused' || to === 'withdrawn') && !reason?.trim()) return { ok: false, refusal: 'reason_required', allowed };
  return { ok: true, next: to };
}

/** Support a candidate may be given (P 20, R 33): before and during studies, and after graduation. */
export const SUPPORT = ['scholarship', 'language_course', 'flexible_admission', 'counselling', 'job_search'] as const;
export type Support = (typeof SUPPORT)[number];

/** Counselling and job search are for graduates who wish to stay (P 20; Directive (EU) 2016/801, art. 25). */
const AFTER_GRADUATION: readonly Support[] = ['counselling', 'job_search'];

/** Why support cannot be recorded now, or null: graduates' support after graduation, a labour candidate a language course only. */
export function supportRefusal(
  pathway: CandidatePathway,
  status: CandidateStatus,
  support: Support,
): 'graduates_only' | 'education_only' | null {
  if (pathway === 'labour') return support === 'language_course' ? null : 'education_only';
  if (AFTER_GRADUATION.includes(support) && status !== 'graduated' && status !== 'placed') return 'graduates_only';
  return null;
}

/** Statuses that count as admitted (the candidacy was accepted and not undone before arrival). */
export const ADMITTED_OR_LATER: readonly CandidateStatus[] = ['admitted', 'arrived', 'graduated', 'placed'];
