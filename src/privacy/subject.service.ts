import type { Executor } from '../db/db.ts';
import { authorize, policies } from '../access/policy.ts';
import type { Principal } from '../access/principal.ts';
import { getCase, findCaseId } from '../cases/case.service.ts';
import { getCandidate, type Candidate, type CandidateEvent } from '../complementary/candidate.service.ts';
import { caseIncentives } from '../cases/case-incentives.service.ts';
import type { IncentiveChange, MemberIncentive } from '../incentives/incentive.service.ts';
import { ErrorCode } from '../errors/app-error.ts';
import type { Translate } from '../i18n/i18n.ts';
import { appError } from '../i18n/problem.ts';
import { anonymiseCases, CLOSED_FOR_ERASURE } from './erasure.ts';
import { placementHistoryOfCase, type PlacementRow } from '../placement/placement-privacy.service.ts';
import { findCaseIdIfAny, lockCaseForErasure } from '../cases/case-privacy.service.ts';
import { candidaciesOfPerson } from '../complementary/candidate-privacy.service.ts';
import { accessesAbout } from '../audit/audit-privacy.service.ts';

/**
 * A data subject's rights, handled by the state that holds the data: access (GDPR art. 15) and
 * erasure where the law allows it (art. 17). The subject is a household member, named by the
 * case and person references (never by name: the platform keeps none).
 */
export interface SubjectExport {
  generatedAt: string;
  controller: string;
  subject: { stateCode: string; caseRef: string; personRef: string };
  person: Record<string, unknown>;
  household: Record<string, unknown>;
  history: unknown[];
  /** The groups the state recorded for the person (evidence of the AMIF rate). */
  vulnerableGroups: string[];
  /** The person's AMIF incentive (rate, amount, the evidence that decided it), null before arrival or without rates. */
  incentive: MemberIncentive['incentive'];
  /** Each change of the incentive: before, after and why. */
  incentiveHistory: IncentiveChange[];
  /** Candidacies for education or labour programmes: programme, status, skills profile, support and history. */
  candidacies: (Omit<Candidate, 'id' | 'stateCode' | 'caseRef' | 'personRef' | 'version' | 'moves'> & { history: CandidateEvent[] })[];
  /** The household's placements decided (issue 8), newest first: place, proposal, cost of a change, reason, who decided, until when. */
  placements: Omit<PlacementRow & { endedAt: string | null }, 'id' | 'caseRef' | 'placeId'>[];
  /** Who read or changed the subject's data, when, for what (art. 15(1)(c): recipients). */
  accesses: { at: string; actor: string; role: string | null; action: string; purpose: string | null }[];
}

/** The export of one household member; the incentive's explanation in `t`'s language. */
export async function exportSubject(
  db: Executor,
  by: Principal,
  ref: { stateCode: string; caseRef: string; personRef: string },
  t: Translate,
): Promise<SubjectExport> {
  authorize(policies.handleSubjectRequest, by, { stateCode: ref.stateCode });
  const detail = await getCase({ db, actor: by, stateCode: ref.stateCode, caseRef: ref.caseRef });
  const person = detail.members.find((m) => m.personRef === ref.personRef);
  if (!person) throw appError(ErrorCode.NotFound, 'personNotFound', { person: ref.personRef, case: ref.caseRef });
  // The incentive and the candidacies through their own services, so each read is audited as theirs is.
  const incentives = await caseIncentives(db, by, { stateCode: ref.stateCode, caseRef: ref.caseRef, t });
  const mine = incentives.members.find((m) => m.personRef === ref.personRef);
  const candidacies: SubjectExport['candidacies'] = [];
  const ids = await candidaciesOfPerson({ db, stateCode: ref.stateCode, caseRef: ref.caseRef, personRef: ref.personRef });
  for (const id of ids) {
    const {
      id: _id,
      stateCode: _s,
      caseRef: _c,
      personRef: _p,
      version: _v,
      moves: _m,
      ...candidacy
    } = await getCandidate({ db, actor: by, stateCode: ref.stateCode, id });
    candidacies.push(candidacy);
  }
  const placements = (
    await findCaseIdIfAny({ db, stateCode: ref.stateCode, caseRef: ref.caseRef }).then((caseId) =>
      caseId !== null ? placementHistoryOfCase({ db, caseId }) : [],
    )
  ).map(({ id: _id, caseRef: _c, placeId: _p, ...p }) => p);
  const accesses = await accessesAbout({ db, stateCode: ref.stateCode, caseRef: ref.caseRef, personRef: ref.personRef });
  const { members, history, ...household } = detail;
  return {
    generatedAt: new Date().toISOString(),
    controller: `the resettlement authority of ${ref.stateCode}`,
    subject: ref,
    person: { ...person },
    household: { ...household, members: members.length },
    history,
    vulnerableGroups: mine?.vulnerableGroups ?? [],
    incentive: mine?.incentive ?? null,
    incentiveHistory: mine?.history ?? [],
    candidacies,
    placements,
    accesses,
  };
}

/** Erases (anonymises) a household once its case is closed, withdrawn or rejected; refuses while it is being processed. */
export async function eraseSubject(
  db: Executor,
  by: Principal,
  ref: { stateCode: string; caseRef: string; reason: string },
): Promise<{ cases: number; persons: number }> {
  authorize(policies.handleSubjectRequest, by, { stateCode: ref.stateCode });
  if (!ref.reason.trim()) throw appError(ErrorCode.BadInput, 'erasureReason');
  const id = await findCaseId(db, ref.stateCode, ref.caseRef);
  const status = (await lockCaseForErasure({ db, caseId: id }))!;
  if (!(CLOSED_FOR_ERASURE as readonly string[]).includes(status)) {
    throw appError(ErrorCode.Conflict, 'erasureOpenCase', { case: ref.caseRef, status, allowed: CLOSED_FOR_ERASURE.join(', ') });
  }
  return anonymiseCases(db, by, [id], { action: 'subject.erase', purpose: `erasure request (GDPR art. 17): ${ref.reason.trim()}` });
}
