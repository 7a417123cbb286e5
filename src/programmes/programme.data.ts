import type { ProgrammeRow } from './programme.repository.ts';
import { pathwayOfKind, VHAS_CONDITIONS } from './programme.ts';

/**
 * The EU's own programmes, shipped with the platform (no state): the EU-Turkey Voluntary
 * Humanitarian Admission Scheme, planned until its conditions are met (P 5(a)), and the emergency
 * admission of the Union Resettlement and Humanitarian Admission Plan 2026–2027 (Regulation (EU)
 * 2024/1350). Each names its source; nothing is stated that the source does not state.
 */
/** A programme the platform ships: the EU's own (no state, places or partner), with its source. */
export type ShippedProgramme = Omit<ProgrammeRow, 'id' | 'stateCode' | 'places' | 'partner' | 'details' | 'source' | 'version'> & {
  source: string;
};

export const EU_PROGRAMMES: ShippedProgramme[] = [
  {
    code: 'EU-VHAS',
    kind: 'vhas',
    pathway: pathwayOfKind('vhas'),
    roundId: '2020-2021',
    title: 'EU-Turkey Voluntary Humanitarian Admission Scheme',
    criteria:
      'Activated once all its preconditions are met and irregular crossings between Turkey and the EU have ended or at least been substantially and sustainably reduced (P 5(a)).',
    targetGroups: ['Syrians and other third-country nationals and stateless persons displaced by the Syrian conflict, in Turkey'],
    startDate: null,
    endDate: null,
    status: 'planned',
    activation: VHAS_CONDITIONS,
    source: 'Commission Recommendation (EU) 2020/1364, P 5(a); EU-Turkey Statement of 18 March 2016',
  },
  {
    code: 'EU-EMERGENCY-2026-2027',
    kind: 'emergency_admission',
    pathway: pathwayOfKind('emergency_admission'),
    roundId: '2026-2027',
    title: 'Emergency admission under the Union Resettlement and Humanitarian Admission Plan 2026–2027',
    criteria: 'Admission in response to urgent humanitarian needs, under the Union Plan (Regulation (EU) 2024/1350).',
    targetGroups: [],
    startDate: '2026-01-01',
    endDate: '2027-12-31',
    status: 'active',
    activation: [],
    source:
      'Regulation (EU) 2024/1350 of 14 May 2024 establishing a Union Resettlement and Humanitarian Admission Framework (OJ L, 2024/1350, 22.5.2024)',
  },
];
