import { InvalidArgumentError } from 'commander';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { findState } from '../reference/state.ts';

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
