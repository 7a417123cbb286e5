import { ErrorCode, type AppError } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';

/**
 * PostgreSQL errors that bad input or a race can cause, as the domain errors they are (class 22:
 * data, 23: integrity, 40: serialization, 42501: outside the scope): a clear refusal for the API
 * (4xx) and the command line (exit 1), never an internal error. Null for anything else.
 */
export function databaseError(e: unknown): AppError | null {
  const code = (e as { code?: unknown })?.code ?? (e as { cause?: { code?: unknown } })?.cause?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return null;
  if (code === '42501') return appError(ErrorCode.Forbidden, 'outsideScope');
  if (code === '23505' || code.startsWith('40')) return appError(ErrorCode.Conflict, 'concurrentChange');
  if (code.startsWith('22') || code.startsWith('23')) return appError(ErrorCode.BadInput, 'valueRefused');
  return null;
}
