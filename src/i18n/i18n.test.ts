import { describe, expect, it } from 'vitest';
import { catalogueKeys, formatCount, formatShare, translator } from './i18n.ts';

describe('the message catalogues', () => {
  it('have the same keys in Dutch and English', () => {
    expect(catalogueKeys('nl').sort()).toEqual(catalogueKeys('en').sort());
  });

  it('compile every message and choose plurals', () => {
    const en = translator('en');
    const nl = translator('nl');
    // Any variable a message names gets the value 1.
    const anything = new Proxy({}, { get: () => 1, has: () => true }) as Record<string, number>;
    for (const key of catalogueKeys('en')) {
      expect(() => en(key, anything), key).not.toThrow();
      expect(() => nl(key, anything), key).not.toThrow();
    }
    expect(en('problems.header', { n: 1 })).toMatch(/^1 problem;/);
    expect(en('problems.header', { n: 3 })).toMatch(/^3 problems;/);
    expect(nl('problems.header', { n: 3 })).toMatch(/^3 problemen;/);
  });

  it('print counts as the Annex does in Dutch, and with commas in English', () => {
    expect(formatCount(29486, 'nl')).toBe('29 486');
    expect(formatCount(758, 'nl')).toBe('758');
    expect(formatCount(1234567, 'en')).toBe('1,234,567');
    expect(formatCount(-1, 'nl')).toBe('-1');
    expect(formatShare(null, 'en')).toBe('–');
    expect(formatShare(0.6276, 'nl')).toBe('62,8%');
  });
});
