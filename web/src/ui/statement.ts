import type { components } from '../../../src/api/openapi.types.ts';

/**
 * Whether a figure computed from the records bears out what a document states: "at least 29 500",
 * "fewer than 29 500", "about 300 000 000", or an exact figure. A qualified statement can hold
 * without the figures being equal (the 2020 pledges, 29 486, are "fewer than 29 500" as recital 13
 * says); an exact one only when they are. The difference is shown either way. The qualifiers are
 * the API's.
 */
export type Qualifier = NonNullable<components['schemas']['Round']['target']>['qualifier'];
export type Verdict = 'agrees' | 'holds' | 'differs';

/** "About": within 1 % of the stated figure. */
const ABOUT = 0.01;

export function verdictOf(qualifier: Qualifier | null | undefined, stated: number, computed: number): Verdict {
  if (computed === stated) return 'agrees';
  switch (qualifier ?? 'exact') {
    case 'at_least':
      return computed >= stated ? 'holds' : 'differs';
    case 'more_than':
      return computed > stated ? 'holds' : 'differs';
    case 'fewer_than':
      return computed < stated ? 'holds' : 'differs';
    case 'about':
      return Math.abs(computed - stated) <= Math.abs(stated) * ABOUT ? 'holds' : 'differs';
    default:
      return 'differs';
  }
}
