import { InvalidArgumentError, Option } from 'commander';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { LANGS } from '../i18n/lang.ts';
import { findState } from '../reference/state.ts';
import { isValidIsoDate } from '../rounds/round.ts';

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
  const s = findState(input);
  if (!s) throw appError(ErrorCode.BadInput, 'stateUnknown', { p1: input });
  return s.code;
}

/** A day as YYYY-MM-DD. */
export function isoDate(v: string): string {
  if (!isValidIsoDate(v)) throw appError(ErrorCode.BadInput, 'dateInvalid', { p1: v });
  return v;
}

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
