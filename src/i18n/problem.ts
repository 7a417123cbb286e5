import type { RowProblem } from '../errors/app-error.ts';
import { translator } from './i18n.ts';

const en = translator('en');

/** A problem of one cell, with its reason from the catalogue (`problem.<code>`), so any language can say it. */
export function rowProblem(row: number, column: string, value: string, code: string, params: Record<string, string | number> = {}): RowProblem {
  return { row, column, value, code, params, reason: en(`problem.${code}`, params) };
}
