import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPLETE, directionOf, LOCALES, preferredLocale } from '../web/src/i18n/locales.ts';

/**
 * The web interface's catalogues (web/src/i18n/messages/<area>.<locale>.json): valid ICU in every
 * file, English and Dutch complete, no key in another language that English lacks, every key the
 * code names present in English, and every plural message — as a language shows it, after the
 * fallback to English — covering every plural category of that language (Polish one/few/many,
 * Latvian zero, Irish two, …), as `Intl.PluralRules` knows them.
 */
const dir = new URL('../web/src/i18n/messages/', import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const catalogues = new Map<string, Record<string, string>>();
for (const f of files) {
  const [, area, locale] = /^(.+)\.([a-z]{2})\.json$/.exec(f) ?? [];
  if (!area || !locale) throw new Error(`catalogue file not named <area>.<locale>.json: ${f}`);
  const messages = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, string>;
  catalogues.set(locale, { ...catalogues.get(locale), ...messages });
}
const english = catalogues.get('en')!;
/** A language's catalogue as the interface builds it: its own messages over English, key by key. */
const shown = (locale: string) => ({ ...english, ...catalogues.get(locale) });

function plurals(elements: MessageFormatElement[], into: { name: string; options: string[] }[] = []) {
  for (const e of elements) {
    if (e.type === TYPE.plural) {
      into.push({ name: e.value, options: Object.keys(e.options) });
      for (const o of Object.values(e.options)) plurals(o.value, into);
    } else if (e.type === TYPE.select) for (const o of Object.values(e.options)) plurals(o.value, into);
    else if (e.type === TYPE.tag) plurals(e.children, into);
  }
  return into;
}

function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()) {
  for (const e of elements) {
    if (e.type === TYPE.argument || e.type === TYPE.number || e.type === TYPE.date || e.type === TYPE.time) into.add(e.value);
    if (e.type === TYPE.plural || e.type === TYPE.select) {
      into.add(e.value);
      for (const o of Object.values(e.options)) argumentsOf(o.value, into);
    }
    if (e.type === TYPE.tag) argumentsOf(e.children, into);
  }
  return into;
}

function sources(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

describe('the web catalogues', () => {
  it('has a catalogue for each of the 24 official languages of the EU', () => {
    expect([...catalogues.keys()].sort()).toEqual([...LOCALES].sort());
  });

  it('is valid ICU MessageFormat in every language, with the arguments English has', () => {
    for (const [locale, messages] of catalogues) {
      for (const [key, message] of Object.entries(messages)) {
        let ast: MessageFormatElement[] = [];
        expect(() => (ast = parse(message)), `${locale} ${key}`).not.toThrow();
        expect(english[key], `${locale} ${key}: not in English`).toBeDefined();
        if (locale !== 'en')
          expect([...argumentsOf(ast)].sort(), `${locale} ${key}`).toEqual([...argumentsOf(parse(english[key]!))].sort());
      }
    }
  });

  it('is complete in English and Dutch', () => {
    for (const locale of COMPLETE)
      expect(
        Object.keys(english).filter((k) => !(k in catalogues.get(locale)!)),
        locale,
      ).toEqual([]);
  });

  it('covers every plural category of every shipped language in every plural message', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const locale of LOCALES) {
      const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
      for (const [key, message] of Object.entries(shown(locale))) {
        for (const p of plurals(parse(message))) {
          checked += 1;
          const lacking = categories.filter((c) => !p.options.includes(c));
          if (lacking.length > 0) missing.push(`${locale} ${key}: ${lacking.join(', ')}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(LOCALES.length * 3);
    expect(missing).toEqual([]);
  });

  it('has every message the code names, in English', () => {
    const used = new Set<string>();
    for (const f of sources(new URL('../web/src/', import.meta.url).pathname)) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\bid[=:]\s*\{?\s*['"]([a-zA-Z][\w.-]*\.[\w.-]+)['"]/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter((k) => !(k in english)).sort()).toEqual([]);
  });
});

describe('the languages of the interface', () => {
  it('takes the first of the browser’s languages that it speaks, English otherwise', () => {
    expect(preferredLocale(['fr-BE', 'nl-BE'])).toBe('fr');
    expect(preferredLocale(['ar-EG', 'nl'])).toBe('nl');
    expect(preferredLocale(['ja'])).toBe('en');
  });

  it('knows the direction of a script, so a right-to-left catalogue mirrors the layout', () => {
    for (const locale of LOCALES) expect(directionOf(locale), locale).toBe('ltr');
    expect(directionOf('ar')).toBe('rtl');
    expect(directionOf('he-IL')).toBe('rtl');
  });
});
