import type { Executor } from '../db/db.ts';
import { recordAudit } from '../audit/audit-line.service.ts';
import type { Principal } from '../access/principal.ts';
import { caseErasureRefs, eraseCaseData, eraseCaseHistoryText } from '../cases/case-privacy.service.ts';
import { reduceIncentiveEvidence, reduceIncentiveHistoryEvidence } from '../incentives/incentive-privacy.service.ts';
import { eraseCandidateData, eraseCandidateHistoryText } from '../complementary/candidate-privacy.service.ts';
import { eraseSponsorshipEndReasons, eraseSponsorshipMessages } from '../sponsorship/sponsorship-privacy.service.ts';
import { erasePlacementReasons } from '../placement/placement-privacy.service.ts';
import { setErasureMode } from './privacy.repository.ts';

/**
 * Anonymisation of a case: what identifies the household goes, what the returns of points 26–27
 * count stays (state, pathway, round, country of departure, arrival days), so the aggregates do
 * not move. The history keeps its moves and days; its free text (reasons, details) is blanked —
 * the one change the append-only trigger allows, inside a transaction that declares it.
 * The audit trail is kept (accountability, GDPR art. 5(2)); its record ids now point at nothing.
 *
 * An AMIF incentive is the basis of a claim the state may have to substantiate for years
 * (Regulation (EU) 2021/1060 art. 82): its rate and amount stay, and its evidence is reduced to
 * what decided the rate — pathway, country of departure, priority region and the vulnerable
 * groups' codes, without what showed each (a category, a need). The codes stay on the person as
 * the state's recorded finding, so recomputing the incentive later (`pathways incentives refresh`)
 * finds the same evidence and the same amount, and writes nothing.
 */
export const CLOSED_FOR_ERASURE = ['closed', 'withdrawn', 'rejected'] as const;

export async function anonymiseCases(
  db: Executor,
  by: Principal,
  caseIds: number[],
  why: { action: string; purpose: string },
): Promise<{ cases: number; persons: number }> {
  if (caseIds.length === 0) return { cases: 0, persons: 0 };
  const refs = await caseErasureRefs({ db, caseIds });
  // Each table through the folder that owns it, in this order, in the caller's transaction.
  await setErasureMode(db, true);
  const { persons } = await eraseCaseData({ db, caseIds });
  await reduceIncentiveEvidence({ db, caseIds });
  // A candidate's skills profile (complementary pathways) goes with the person; the candidacy's status stays counted.
  await eraseCandidateData({ db, caseIds });
  // Why a sponsorship ended or broke down speaks of the household; that it did stays counted.
  await eraseSponsorshipEndReasons({ db, caseIds });
  // The histories of issue 6 keep their lines; their free text and the sources of the evidence go (migration 0009 lets erasure blank just these).
  await eraseCandidateHistoryText({ db, caseIds });
  await eraseSponsorshipMessages({ db, caseIds });
  await reduceIncentiveHistoryEvidence({ db, caseIds });
  await eraseCaseHistoryText({ db, caseIds });
  // Placement decisions (issue 8) keep who, where and the cost; their free-text reason goes (migration 0011 lets erasure blank just it).
  await erasePlacementReasons({ db, caseIds });
  await setErasureMode(db, false);
  for (const r of refs) {
    await recordAudit(db, {
      actor: by,
      action: why.action,
      purpose: why.purpose,
      subject: `case:${r.stateCode}:${r.caseRef}`,
      stateCode: r.stateCode,
      recordIds: [`case:${r.caseRef}`, ...r.persons.map((p) => `person:${p}`)],
      fields: [
        'caseRef',
        'partnerRef',
        'referringPartner',
        'linkedRefs',
        'primaryCategory',
        'secondaryCategory',
        'members.*',
        'incentives.evidence',
        'candidates.personRef',
        'candidates.skills',
        'candidates.occupations',
        'sponsorships.endReason',
        'sponsorships.safetyNet.note',
        'sponsorships.messages',
        'candidates.history.reason',
        'incentives.history.evidence',
        'history.reason',
        'history.details',
      ],
    });
  }
  return { cases: refs.length, persons };
}
