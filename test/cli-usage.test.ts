import { LANGS } from '../src/i18n/lang.ts';
import { describe, expect, it } from 'vitest';
import { cliRunner } from './cli-run.ts';
import { tempDir } from './files.ts';

/** What a newcomer meets first on the command line: mistakes said in a line, and a help without the project's history. */
describe('the command line, for a newcomer', () => {
  const run = cliRunner(tempDir(), 'cli-usage-test');

  it.each([
    [['--lang', 'xx', 'rounds', 'list']],
    [['rounds', 'list', '--lang', 'ja']],
    [['pledges', 'list', '--round', '2020-2021', '--lang', 'tr']],
  ])('refuses an unknown --lang in one line naming the languages, exit 2: %j', async (args) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toEqual([
      `Error: "${args[args.indexOf('--lang') + 1]}" is not a language of the command line: use --lang with one of ${LANGS.join(', ')}.`,
    ]);
  });

  it('says an unknown command in a few lines, not the whole help', async () => {
    const r = await run('rounds', 'lst');
    expect(r.code).toBe(1);
    expect(r.err).not.toContain('Usage:');
    expect(r.err.trim().split('\n').length).toBeLessThanOrEqual(3);
  });

  it('mentions no issue of the project in any help', async () => {
    const helps = await Promise.all(
      [[], ['placement'], ['users', 'add'], ['cases', 'import'], ['stats'], ['returns'], ['sponsors']].map((c) => run(...c, '--help')),
    );
    for (const h of helps) {
      expect(h.code).toBe(0);
      expect(h.out).not.toMatch(/\bissue \d/i);
    }
  });

  it('documents --organisation for a partner or a sponsor, and asks for it before anything else', async () => {
    expect((await run('users', 'add', '--help')).out).toMatch(
      /--organisation <org>\s+the organisation: required for\s+referral_partner and\s+sponsor/,
    );
    for (const role of ['sponsor', 'referral_partner']) {
      const r = await run('users', 'add', '--username', `x-${role}`, '--name', 'X', '--role', role, '--state', 'NL', '--password-stdin');
      expect(r.code).toBe(1);
      expect(r.err.trim()).toBe(`Error: A ${role} belongs to an organisation: name it (--organisation).`);
    }
  });

  it('lists the values of relationship in the help of cases import', async () => {
    expect((await run('cases', 'import', '--help')).out.replace(/\s+/g, ' ')).toContain(
      'principal, spouse, child, parent, sibling, grandchild, other',
    );
  });
});
