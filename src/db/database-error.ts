import { ErrorCode, type AppError } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';

/**
 * PostgreSQL errors that bad input or a race can cause, as the domain errors they are (class 22:
 * data, 23: integrity, 40: serialization, 42501: outside the scope): a clear refusal for the API
 * (4xx) and the command line (exit 1), never an internal error. Null for anything else.
 */
export function databaseError(e: unknown): AppError | null {
  const code = databaseFailure(e)?.code;
  if (code === undefined) return null;
  if (code === '42501') return appError(ErrorCode.Forbidden, 'outsideScope');
  if (code === '23505' || code.startsWith('40')) return appError(ErrorCode.Conflict, 'concurrentChange');
  if (code.startsWith('22') || code.startsWith('23')) return appError(ErrorCode.BadInput, 'valueRefused');
  return null;
}

/**
 * The PostgreSQL error in `e`, as the driver gives it or wrapped (drizzle's query error holds it as
 * its `cause`): its SQLSTATE and message. Null where there is none.
 */
export function databaseFailure(e: unknown): { code: string; message: string } | null {
  for (let c: unknown = e; c && typeof c === 'object'; c = (c as { cause?: unknown }).cause) {
    const { code, message } = c as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return { code, message: typeof message === 'string' ? message : '' };
  }
  return null;
}
