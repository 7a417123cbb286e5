import { describe, expect, it } from 'vitest';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { countryName } from '../reference/country.ts';
import { stateByCode, stateName } from '../reference/state.ts';
import { catalogueKeys, formatCount, formatShare, shippedText, translator } from './i18n.ts';
import { LANGS, langOfLocale } from './lang.ts';
import { shippedKeys } from './shipped-keys.ts';

/** The arguments and tags a message names, and the words inside its `<q>` (the document's own, never translated). */
function shape(message: string): { names: string[]; quoted: string[] } {
  const names = new Set<string>();
  const quoted: string[] = [];
  const walk = (els: MessageFormatElement[]) => {
    for (const el of els) {
      if (el.type === TYPE.tag) {
        names.add(`<${el.value}>`);
        if (el.value === 'q') quoted.push(el.children.map((c) => (c.type === TYPE.literal ? c.value : '')).join(''));
        walk(el.children);
      } else if (el.type !== TYPE.literal && el.type !== TYPE.pound) names.add(el.value);
      if ('options' in el) for (const o of Object.values(el.options)) walk(o.value);
    }
  };
  walk(parse(message));
  return { names: [...names].sort(), quoted };
}

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

  // Issue 15: all 24 official languages, complete, in the server and the command line.
  it("are complete in all 24 official languages: every key, the same arguments, the document's quoted words untouched, each compiling", () => {
    const en = new Set(catalogueKeys('en'));
    const anything = new Proxy({}, { get: () => 1, has: () => true }) as Record<string, number>;
    for (const lang of LANGS) {
      const keys = catalogueKeys(lang);
      expect(
        [...en].filter((k) => !keys.includes(k)),
        `${lang}: keys missing`,
      ).toEqual([]);
      expect(
        keys.filter((k) => !en.has(k)),
        `${lang}: keys English does not have`,
      ).toEqual([]);
      const t = translator(lang);
      for (const key of en) {
        const text = t(key, anything);
        expect(text, `${lang} ${key}`).not.toContain(`shipped.`);
      }
    }
  });

  it('give each language the same arguments and tags as English, and keep quoted Dutch words as they are', async () => {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const { existsSync } = await import('node:fs');
    const load = (lang: string) =>
      Object.assign(
        {},
        ...['messages', 'shipped', 'records'].map((f) =>
          existsSync(new URL(`./${f}/${lang}.json`, import.meta.url)) ? require(`./${f}/${lang}.json`) : {},
        ),
      ) as Record<string, string>;
    const en = load('en');
    const wrong: string[] = [];
    for (const lang of LANGS) {
      const m = load(lang);
      for (const [key, text] of Object.entries(en)) {
        if (!(key in m)) continue;
        const a = shape(text);
        const b = shape(m[key]!);
        if (JSON.stringify(a.names) !== JSON.stringify(b.names)) wrong.push(`${lang} ${key}: ${b.names.join(' ')} ≠ ${a.names.join(' ')}`);
        if (JSON.stringify(a.quoted) !== JSON.stringify(b.quoted))
          wrong.push(`${lang} ${key}: quoted ${JSON.stringify(b.quoted)} ≠ ${JSON.stringify(a.quoted)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("mark the document's own Dutch words as a quotation in every language", () => {
    const key = shippedKeys.figureNote('2020-2021', { figure: 'pledged_total', locator: 'R 13' });
    for (const lang of LANGS) {
      const text = shippedText(lang, key, 'stored');
      expect(text, lang).toContain('iets minder dan 29 500 plaatsen');
      expect(text, lang).not.toContain('<q>');
      expect(text, lang).toContain(translator(lang)('quote.nl', { text: 'iets minder dan 29 500 plaatsen' }));
    }
    expect(shippedText('en', key, 'stored')).toContain('“iets minder dan 29 500 plaatsen”');
    // A round a user added has no key: its text as written.
    expect(shippedText('de', shippedKeys.roundTitle('my-round'), 'My round')).toBe('My round');
  });

  it('name states and countries in each language', () => {
    expect(stateName(stateByCode('DE'), 'de')).toBe('Deutschland');
    expect(stateName(stateByCode('EL'), 'el')).toBe('Ελλάδα');
    expect(stateName(stateByCode('NL'), 'nl')).toBe(stateByCode('NL').nameNl);
    expect(countryName('SYR', 'de')).toBe('Syrien');
    expect(countryName('XXA', 'fr')).toBe(translator('fr')('country.stateless'));
    for (const lang of LANGS) expect(stateName(stateByCode('FR'), lang), lang).not.toBe('');
  });

  it("take the command line's language from a locale where it is one of the 24", () => {
    expect(langOfLocale('de_DE.UTF-8')).toBe('de');
    expect(langOfLocale('pt-BR')).toBe('pt');
    expect(langOfLocale('ga_IE@euro')).toBe('ga');
    expect(langOfLocale('C')).toBeNull();
    expect(langOfLocale('ja_JP.UTF-8')).toBeNull();
    expect(langOfLocale(undefined)).toBeNull();
  });

  it('print counts as each language writes them (Intl, as the web does), English as en-GB', () => {
    // Issue 20: the command line printed "29 486" in Dutch where the web wrote "29.486"; both now follow the language.
    for (const lang of LANGS)
      expect(formatCount(29486, lang), lang).toBe(new Intl.NumberFormat(lang === 'en' ? 'en-GB' : lang).format(29486));
    expect(formatCount(29486, 'nl')).toBe('29.486');
    expect(formatCount(758, 'nl')).toBe('758');
    expect(formatCount(1234567, 'en')).toBe('1,234,567');
    expect(formatCount(-1, 'nl')).toBe('-1');
    expect(formatShare(null, 'en')).toBe('–');
    expect(formatShare(0.6276, 'nl')).toBe('62,8%');
  });
});
