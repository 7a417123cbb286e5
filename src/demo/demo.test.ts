import { describe, expect, it } from 'vitest';
import { ANNEX_2020 } from '../pledges/annex-2020.data.ts';
import { findState } from '../reference/state.ts';
import { PersonRowReader } from '../cases/person-row.ts';
import { SHIPPED_ROUNDS } from '../rounds/round.data.ts';
import { roundFileSchema, roundFromFile } from '../rounds/round.ts';
import { demoRecords, SUSPENSION } from './demo.ts';

const rows = (persons: number, seed: number) => [...demoRecords({ persons, seed })].map((r) => r.values);

describe('demo data', () => {
  it('is the same for the same seed, and other for another', () => {
    expect(rows(500, 3)).toEqual(rows(500, 3));
    expect(rows(500, 3)).not.toEqual(rows(500, 4));
  });

  it('has exactly the persons asked for, every row valid for the importer', () => {
    const reader = new PersonRowReader(
      SHIPPED_ROUNDS.map((r) => roundFromFile(roundFileSchema.parse(r))),
      '2026-11-28',
    );
    const all = rows(5000, 1);
    expect(all).toHaveLength(5000);
    for (const [i, r] of all.entries()) expect(reader.read(r, i + 2).ok).toBe(true);
  });

  it('has no arrival during the suspension of spring 2020, and arrivals on either side of it', () => {
    const days = rows(20_000, 2)
      .map((r) => r.arrived_on)
      .filter(Boolean) as string[];
    expect(days.filter((d) => d >= SUSPENSION.from && d < SUSPENSION.resumedFrom)).toEqual([]);
    expect(days.some((d) => d < SUSPENSION.from)).toBe(true);
    expect(days.some((d) => d >= SUSPENSION.resumedFrom && d < '2020-07-01')).toBe(true);
    expect(days.every((d) => d >= '2020-01-01' && d <= '2021-12-31')).toBe(true);
  });

  it('has households of about four persons, in the states that pledged, in proportion to their pledges', () => {
    const all = rows(40_000, 5);
    const households = new Set(all.map((r) => r.case_ref)).size;
    expect(all.length / households).toBeGreaterThan(3);
    expect(all.length / households).toBeLessThan(5);
    const pledging = ANNEX_2020.filter((a) => a.places).map((a) => [findState(a.state)!.code, a.places!] as const);
    const total = pledging.reduce((n, [, p]) => n + p, 0);
    const de = all.filter((r) => r.member_state === 'DE').length / all.length;
    expect(Math.abs(de - 5500 / total)).toBeLessThan(0.03);
    expect(new Set(all.map((r) => r.member_state))).toEqual(new Set(pledging.map(([c]) => c)));
  });
});
