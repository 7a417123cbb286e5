import { describe, expect, it } from 'vitest';
import { annexFromSeed, SEED_ABSENT } from '../../test/seed-annex.ts';
import { ANNEX_2020 } from '../pledges/annex-2020.data.ts';
import { countryName, findCountry, STATELESS } from './country.ts';
import { findState, memberStatesOn, STATES } from './state.ts';

const annex = annexFromSeed();

describe('states', () => {
  it('are the 27 Member States, the United Kingdom and the four associated Dublin states', () => {
    expect(STATES.filter((s) => !s.associated)).toHaveLength(28);
    expect(STATES.filter((s) => s.associated).map((s) => s.code)).toEqual(['IS', 'LI', 'NO', 'CH']);
    expect(memberStatesOn('2026-01-01')).toHaveLength(27);
    expect(memberStatesOn('2020-01-01').map((s) => s.code)).toContain('UK');
    expect(memberStatesOn('2020-02-01').map((s) => s.code)).not.toContain('UK');
  });

  it.each([
    ['EL', 'EL'],
    ['GR', 'EL'],
    ['GRC', 'EL'],
    ['Greece', 'EL'],
    ['Griekenland', 'EL'],
    ['UK', 'UK'],
    ['GB', 'UK'],
    ['GBR', 'UK'],
    ['Verenigd Koninkrijk', 'UK'],
    ['united kingdom', 'UK'],
    ['belgie', 'BE'],
    ['België', 'BE'],
    ['  nl ', 'NL'],
    ['Czech Republic', 'CZ'],
    ['Noorwegen', 'NO'],
  ])('"%s" is %s', (input, code) => expect(findState(input)?.code).toBe(code));

  it.each(['', 'XX', 'Atlantis', 'Turkey'])('"%s" is no state', (input) => expect(findState(input)).toBeNull());

  it.skipIf(!annex)(
    `carry the Dutch names exactly as the Annex prints them, in its order (${annex ? 'seed text read' : SEED_ABSENT})`,
    () => {
      const names = annex!.rows.map((r) => r.state);
      expect(names).toHaveLength(28);
      expect(STATES.filter((s) => !s.associated).map((s) => s.nameNl)).toEqual(names);
    },
  );
});

describe('countries', () => {
  it.each([
    ['SYR', 'SYR'],
    ['SY', 'SYR'],
    ['Syria', 'SYR'],
    ['Atlantis', null],
    ['DRC', 'COD'],
    ['Syrian Arab Republic', 'SYR'],
    ['Syrië', 'SYR'],
    ['Turkije', 'TUR'],
    ['Türkiye', 'TUR'],
    ['turkey', 'TUR'],
    ['Libië', 'LBY'],
    ['Tsjaad', 'TCD'],
    ['stateless', STATELESS],
    ['Staatloos', STATELESS],
    ['XXA', STATELESS],
    ['EL', 'GRC'],
  ])('"%s" resolves to %s', (input, iso3) => {
    const found = findCountry(input);
    if (iso3 === null) expect(found.ok).toBe(false);
    else expect(found.ok && found.country.iso3).toBe(iso3);
  });

  it('report a name that fits two countries as ambiguous, naming both', () => {
    const found = findCountry('Congo');
    expect(found).toMatchObject({ ok: false, reason: 'ambiguous' });
    if (!found.ok) expect(found.candidates).toEqual(['COD', 'COG']);
  });

  it('have English and Dutch names from the package', () => {
    expect(countryName('LBN', 'nl')).toBe('Libanon');
    expect(countryName('JOR', 'en')).toBe('Jordan');
    expect(countryName('XXA', 'nl')).toBe('Staatloos');
  });
});

describe('the 2020 Annex shipped with the platform', () => {
  it.skipIf(!annex)('is the Annex of the seed text, row by row', () => {
    expect(ANNEX_2020).toEqual(annex!.rows);
  });
});
