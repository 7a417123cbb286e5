import { type Command, InvalidArgumentError, Option } from 'commander';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { LANGS } from '../i18n/lang.ts';
import { isValidIsoDate } from '../rounds/pathway.ts';

/**
 * The lookups behind the parsers (a state's or a country's name in the 24 languages, a statistics
 * source): read once a command is chosen, before it parses its options, so that `pathways --help`
 * reads no country names. Every `register…Commands` calls `withLookups` on the program.
 */
interface Lookups {
  state: typeof import('../reference/state.ts');
  country: typeof import('../reference/country.ts');
  statistics: typeof import('../statistics/statistics.ts');
}
let loaded: Lookups | undefined;
const hooked = new WeakSet<Command>();

export async function loadLookups(): Promise<void> {
  if (loaded) return;
  const [state, country, statistics] = await Promise.all([
    import('../reference/state.ts'),
    import('../reference/country.ts'),
    import('../statistics/statistics.ts'),
  ]);
  loaded = { state, country, statistics };
}

/** Loads the lookups when `program` dispatches to any of its commands (once per program). */
export function withLookups(program: Command): void {
  if (hooked.has(program)) return;
  hooked.add(program);
  program.hook('preSubcommand', loadLookups);
}

export function lookups(): Lookups {
  if (!loaded) throw new Error('the option lookups are not loaded: register the commands with withLookups(program)');
  return loaded;
}

/** Parsers of option values, shared by every command: a bad value is refused before anything runs. */
export function positiveInt(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`"${v}" is not a whole number of 1 or more`);
  return Number(v);
}

export function portNumber(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError(`"${v}" is not a port number (0–65535)`);
  return Number(v);
}

/** A Member State by protocol code, ISO code or name, as its code. */
export function stateCodeOf(input: string): string {
  const s = lookups().state.findState(input);
  if (!s) throw appError(ErrorCode.BadInput, 'stateUnknown', { p1: input });
  return s.code;
}

/** A day as YYYY-MM-DD. */
export function isoDate(v: string): string {
  if (!isValidIsoDate(v)) throw appError(ErrorCode.BadInput, 'dateInvalid', { p1: v });
  return v;
}

/** A country by ISO code or name (in any of the languages), as its ISO 3166-1 alpha-3 code. */
export function countryCodeOf(input: string): string {
  const c = lookups().country.findCountry(input);
  if (!c.ok)
    throw c.reason === 'ambiguous'
      ? appError(ErrorCode.BadInput, 'countryAmbiguous', { input, candidates: c.candidates.join(' / ') })
      : appError(ErrorCode.BadInput, 'countryUnknown', { input });
  return c.country.iso3;
}

/** The `report` command, which several features add to (made by the first). */
export const reportCommand = (program: Command): Command =>
  program.commands.find((c) => c.name() === 'report') ?? program.command('report').description('reports');

/** `--format` with its choices, `table` unless said otherwise. */
export const formatOption = (choices: readonly string[], byDefault = 'table') =>
  new Option('--format <format>', 'output format').choices(choices).default(byDefault);
/** The languages of the command line's output. */
export const CLI_LANGS = LANGS;

/** A `--lang` that is not one of them: main says so in one line (exit 2), without the whole help. */
export class UnknownLang extends Error {
  constructor(readonly value: string) {
    super(`--lang ${value}: not a language of the command line (${CLI_LANGS.join(', ')})`);
  }
}

/** `--lang` on a command (the global one works too). */
export const langOption = () =>
  new Option(
    '--lang <lang>',
    "language of the output: one of the 24 official EU languages (de, fr, pl…); default PATHWAYS_LANG, else the shell's locale, else en",
  )
    .choices(CLI_LANGS)
    .argParser((v: string) => {
      if (!(CLI_LANGS as readonly string[]).includes(v)) throw new UnknownLang(v);
      return v;
    });
