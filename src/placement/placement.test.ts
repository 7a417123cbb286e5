import { describe, expect, it } from 'vitest';
import { compile, linkGroups, PlacementInputError, scoresFromPairs, validateInstance, type PlacementInstance } from './placement.ts';

const base: PlacementInstance = {
  dimensions: ['persons', 'housingUnits'],
  households: [
    { id: 'a', size: [3, 1], penalty: 1, links: ['b'] },
    { id: 'b', size: [2, 1], penalty: 0.5 },
    { id: 'c', size: [1, 1], penalty: 0, tie: 'y' },
  ],
  places: [
    { id: 'x', kind: 'municipality', capacity: [10, 3] },
    { id: 'y', kind: 'receptionCentre', capacity: [4, 2] },
  ],
  scores: Float64Array.from([1, 2, 3, Number.NaN, 0.5, 0.7]),
};
const problemsOf = (instance: PlacementInstance) => {
  try {
    validateInstance(instance);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(PlacementInputError);
    return (e as PlacementInputError).problems;
  }
};
const withHousehold = (i: number, change: object): PlacementInstance => ({
  ...base,
  households: base.households.map((h, j) => (j === i ? { ...h, ...change } : h)),
});

describe('the placement model', () => {
  it('accepts a valid instance', () => expect(problemsOf(base)).toEqual([]));

  it.each([
    [
      'an unknown dimension',
      { ...base, dimensions: ['persons', 'beds'] } as unknown as PlacementInstance,
      'unknown dimension "beds" (known: persons, housingUnits, schoolPlaces, medicalSlots, languageSupport)',
    ],
    [
      'a size of the wrong length',
      withHousehold(0, { size: [3] }),
      'household "a": size needs 2 finite numbers ≥ 0 (persons, housingUnits)',
    ],
    ['a negative penalty', withHousehold(1, { penalty: -1 }), 'household "b": penalty must be a finite number ≥ 0'],
    ['a duplicate household', withHousehold(1, { id: 'a' }), 'household "a" is listed twice'],
    ['a link to nobody', withHousehold(1, { links: ['z'] }), 'household "b" is linked to unknown household "z"'],
    ['a tie to an unknown place', withHousehold(2, { tie: 'w' }), 'household "c" is tied to unknown place "w"'],
    [
      'a tie to an incompatible place',
      withHousehold(1, { tie: 'y' }),
      'household "b" is tied to place "y", which is incompatible with it (no score)',
    ],
    [
      'linked households tied apart',
      withHousehold(0, { tie: 'x', links: ['b', 'c'] }),
      'linked households "a", "b", "c" are tied to different places (x, y)',
    ],
    [
      'ties over capacity',
      { ...base, places: [base.places[0]!, { ...base.places[1]!, capacity: [0, 2] }] },
      'the households tied to place "y" need 1 persons, more than its capacity 0',
    ],
    ['scores of the wrong length', { ...base, scores: new Float64Array(5) }, 'scores must hold households × places = 6 values, not 5'],
    [
      'an infinite score',
      { ...base, scores: Float64Array.from([1, Infinity, 3, Number.NaN, 0.5, 0.7]) },
      'household "a" at place "y": score must be finite (NaN for incompatible)',
    ],
  ])('refuses %s, saying what is wrong', (_, instance, problem) => {
    expect(problemsOf(instance)).toContain(problem);
  });

  it('merges linked households into one group: sizes, penalties and scores summed, places compatible with every member', () => {
    expect(linkGroups(base)).toEqual([[0, 1], [2]]);
    const { problem, members, tie } = compile(base);
    expect(members).toEqual([[0, 1], [2]]);
    expect([...problem.size]).toEqual([5, 2, 1, 1]);
    expect([...problem.penalty]).toEqual([1.5, 0]);
    // a+b: x only (b is incompatible with y), score 1 + 3; c: tied to y, its only option.
    expect([...problem.place]).toEqual([0, 1]);
    expect([...problem.score]).toEqual([4, 0.7]);
    expect([...tie]).toEqual([-1, 1]);
  });

  it('builds scores from pairs, NaN where none is given, and names unknown ids', () => {
    const scores = scoresFromPairs(base.households, base.places, [{ household: 'b', place: 'y', score: 2 }]);
    expect([...scores].map((s) => (Number.isNaN(s) ? null : s))).toEqual([null, null, null, 2, null, null]);
    expect(() => scoresFromPairs(base.households, base.places, [{ household: 'q', place: 'y', score: 2 }])).toThrow(
      /unknown household "q"/,
    );
  });
});
