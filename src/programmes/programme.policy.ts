import type { Policy } from '../access/policy.ts';
import type { Principal } from '../access/principal.ts';

/**
 * The named policies of programmes, complementary pathways and the returns of point 27, in the
 * shape of src/access/policy.ts (pure; services call them with `authorize` before touching data).
 */
const policy = <R = void>(name: string, allows: (p: Principal, resource: R) => boolean): Policy<R> => ({ name, allows });
const isOperator = (p: Principal) => p.role === 'operator';
const officerOf = (p: Principal, stateCode: string) => p.role === 'state_officer' && p.stateCode === stateCode;

export const programmePolicies = {
  /** Programmes carry no person: every signed-in principal reads them. */
  readProgrammes: policy('readProgrammes', () => true),
  /** A state's officers write its programmes; the Commission the EU's own (no state). */
  writeProgramme: policy<{ stateCode: string | null }>(
    'writeProgramme',
    (p, r) => isOperator(p) || (r.stateCode !== null && officerOf(p, r.stateCode)) || (r.stateCode === null && p.role === 'commission_analyst'),
  ),
  /** Candidates and family reunification requests are a state's personal data: its officers. */
  handleComplementary: policy<{ stateCode: string }>('handleComplementary', (p, r) => isOperator(p) || officerOf(p, r.stateCode)),
  /** The returns of point 27: the Commission every state's counts, a state's officer its own. */
  readAdmissionReturns: policy<{ stateCode: string | null }>(
    'readAdmissionReturns',
    (p, r) => isOperator(p) || p.role === 'commission_analyst' || (p.role === 'state_officer' && p.stateCode !== null && (r.stateCode === null || r.stateCode === p.stateCode)),
  ),
} as const;
