/*
 * The pathways and the calendar day, on their own: the command line checks its options with them
 * before it loads the round files' schema (zod), so that \`pathways --help\` starts on little.
 */

/** The pathways of the framework (RULES.md §1, §4, §5; Regulation (EU) 2024/1350 for emergency admission). */
export const PATHWAYS = [
  'resettlement',
  'humanitarian_admission',
  'community_sponsorship',
  'emergency_admission',
  'education',
  'labour',
  'family_reunification',
] as const;
export type Pathway = (typeof PATHWAYS)[number];
export const isPathway = (s: string): s is Pathway => (PATHWAYS as readonly string[]).includes(s);

/** A real calendar day written YYYY-MM-DD. */
export function isValidIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
