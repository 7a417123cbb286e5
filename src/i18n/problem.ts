import { AppError, type ErrorCode, type RowProblem } from '../errors/app-error.ts';
import { translator } from './i18n.ts';

const en = translator('en');

/** A problem of one cell, with its reason from the catalogue (`problem.<code>`), so any language can say it. */
export function rowProblem(
  row: number,
  column: string,
  value: string,
  code: string,
  params: Record<string, string | number> = {},
): RowProblem {
  return { row, column, value, code, params, reason: en(`problem.${code}`, params) };
}

/** A domain error whose message is in the catalogues (`error.<key>`): English in `message`, any language at the edge. */
export function appError(
  code: ErrorCode,
  key: string,
  params: Record<string, string | number> = {},
  details?: RowProblem[] | Record<string, unknown>,
): AppError {
  return new AppError(code, en(`error.${key}`, params), details, key, params);
}
