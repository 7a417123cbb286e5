import { renderTable } from '../presentation/table.ts';
import type { RunResult } from './decision.ts';
import type { PlacementRow, PlaceRow, RunRow } from './placement.repository.ts';
import { DIMENSIONS } from './placement.ts';

/** The text shapes of placement (issue 8) for the terminal: places, a run's proposal with its certificate, placements. */
type T = (key: string, params?: Record<string, string | number>) => string;

const n = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

export function placesTable(places: readonly PlaceRow[], t: T): string {
  return renderTable({
    headers: [
      t('placement.cli.code'),
      t('placement.cli.name'),
      t('placement.cli.kind'),
      ...DIMENSIONS,
      t('placement.cli.employmentRate'),
      t('placement.cli.version'),
    ],
    rows: places.map((p) => [
      p.code,
      p.name,
      p.kind,
      ...DIMENSIONS.map((d) => String(p.capacity[d] ?? 0)),
      String(p.profile.employmentRate ?? ''),
      String(p.version),
    ]),
  });
}

/** A run: its status, the certificate in figures, the binding capacities, the unplaced and each household's place and why. */
export function runText(run: RunRow, t: T): string {
  const head = t('placement.cli.run', { id: run.id, status: run.status, round: run.roundId });
  if (run.status === 'failed') return `${head}\n${run.error ?? ''}`;
  const r: RunResult | null = run.result;
  if (!r) return head;
  const why = new Map(r.explanations.map((e) => [e.household, e]));
  return [
    head,
    t('placement.cli.certificate', {
      objective: n(r.objective),
      bound: n(r.bound),
      gap: `${n(r.gap * 100, 4)} %`,
      optimal: r.optimal ? t('placement.cli.yes') : t('placement.cli.no'),
    }),
    t('placement.cli.unplaced', { n: r.unplaced.length, refs: r.unplaced.map((u) => `${u.ref} (−${u.penalty})`).join(', ') || '—' }),
    '',
    renderTable({
      headers: [
        t('placement.cli.place'),
        t('placement.cli.dimension'),
        t('placement.cli.used'),
        t('placement.cli.capacity'),
        t('placement.cli.price'),
      ],
      rows: r.binding.map((b) => [b.place, b.dimension, String(b.used), String(b.capacity), n(b.price)]),
    }),
    '',
    renderTable({
      headers: [t('placement.cli.household'), t('placement.cli.place'), t('placement.cli.value'), t('placement.cli.why')],
      rows: r.households.map((h) => {
        const e = why.get(h.ref);
        const alternatives = (e?.alternatives ?? [])
          .map((a) => `${a.place} ${n(a.score)}: ${a.by}${a.dimension ? ` (${a.dimension} ${a.free}/${a.need})` : ''}`)
          .join('; ');
        return [h.ref, r.assignment[h.ref] ?? '—', n(e?.value ?? NaN), alternatives || '—'];
      }),
    }),
  ].join('\n');
}

export function placementsTable(rows: readonly PlacementRow[], t: T): string {
  return renderTable({
    headers: [
      t('placement.cli.household'),
      t('placement.cli.place'),
      t('placement.cli.proposed'),
      t('placement.cli.costOfChange'),
      t('placement.cli.decidedBy'),
      t('placement.cli.decidedAt'),
    ],
    rows: rows.map((p) => [p.caseRef, p.placeCode, p.proposedPlaceCode ?? '—', n(p.costOfChange ?? NaN), p.decidedBy, p.decidedAt]),
  });
}
