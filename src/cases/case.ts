import type { Modality, Stage, Status } from './stage.ts';

export const PRIORITIES = ['emergency', 'urgent', 'normal'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** UNHCR's resettlement submission categories (a primary and a secondary per case). */
export const SUBMISSION_CATEGORIES = [
  'legal_physical_protection',
  'survivors_of_violence_torture',
  'medical_needs',
  'women_girls_at_risk',
  'family_reunification',
  'children_adolescents_at_risk',
  'lack_of_durable_solutions',
] as const;

export const REFERRING_PARTNERS = ['unhcr', 'iom', 'sponsor', 'embassy', 'other'] as const;

export interface CaseSummary {
  id: number;
  stateCode: string;
  caseRef: string;
  pathway: string;
  roundId: string | null;
  countryOfDeparture: string;
  status: Status;
  heldFrom: Stage | null;
  statusOn: string | null;
  version: number;
  priority: Priority;
  modality: Modality | null;
  persons: number;
}

export interface CasePerson {
  personRef: string;
  citizenship: string | null;
  sex: string | null;
  birthYear: number | null;
  relationship: string | null;
  arrivedOn: string | null;
  roundId: string | null;
  needs: { type: string; note?: string; accommodation?: string }[];
  /** Why a split decision did not accept this member; null for a member who travels. */
  excludedReason: string | null;
}

export interface CaseEvent {
  on: string;
  recordedAt: string;
  actor: string;
  fromStatus: Status | null;
  toStatus: Status;
  reason: string | null;
  /** What else the move recorded: the modality (review or orientation), the members a split decision left out. */
  details: Record<string, unknown>;
}

export interface CaseDetail extends CaseSummary {
  primaryCategory: string | null;
  secondaryCategory: string | null;
  referringPartner: string | null;
  partnerRef: string | null;
  linkedRefs: string[];
  members: CasePerson[];
  history: CaseEvent[];
}
