import { describe, expect, it } from 'vitest';
import { verdictOf } from '../web/src/ui/statement.ts';

describe('a document’s statement against the computed figure', () => {
  it('agrees only on equal figures, and a qualified statement holds when the figure satisfies it', () => {
    // The 2020 round: the Annex prints TOTAAL 29 487, the rows add up to 29 486; recital 13 says "fewer than 29 500".
    expect(verdictOf('exact', 29_487, 29_486)).toBe('differs');
    expect(verdictOf('fewer_than', 29_500, 29_486)).toBe('holds');
    expect(verdictOf('fewer_than', 29_500, 29_500)).toBe('agrees');
    expect(verdictOf('fewer_than', 29_500, 29_501)).toBe('differs');
    expect(verdictOf('at_least', 29_500, 29_486)).toBe('differs');
    expect(verdictOf('at_least', 29_500, 30_000)).toBe('holds');
    expect(verdictOf('more_than', 100, 100)).toBe('agrees');
    expect(verdictOf('more_than', 100, 99)).toBe('differs');
    expect(verdictOf('about', 300_000_000, 302_000_000)).toBe('holds');
    expect(verdictOf('about', 300_000_000, 310_000_000)).toBe('differs');
    expect(verdictOf(null, 5, 6)).toBe('differs');
  });
});
