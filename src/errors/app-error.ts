/**
 * Transport-neutral errors. A domain error carries one code from `ErrorCode`; the tables below
 * map each code to an HTTP status and a CLI exit code, so neither the CLI nor the server
 * needs to know where an error came from. `message` tells the user what to do next.
 */
export const ErrorCode = {
  BadInput: 'bad_input',
  NotFound: 'not_found',
  Conflict: 'conflict',
  /** Not signed in, or the session is over. */
  Unauthenticated: 'unauthenticated',
  /** Signed in, but this principal may not do this (a named policy refused it). */
  Forbidden: 'forbidden',
  /** The change was made against an older version (If-Match). */
  PreconditionFailed: 'precondition_failed',
  /** A change without If-Match. */
  PreconditionRequired: 'precondition_required',
  /** Well-formed but refused: an Idempotency-Key reused with another request. */
  Unprocessable: 'unprocessable',
  TooManyRequests: 'too_many_requests',
  /** A request body of a media type the operation does not take. */
  UnsupportedMediaType: 'unsupported_media_type',
  /** A request body over the operation's limit. */
  PayloadTooLarge: 'payload_too_large',
  DataDirLocked: 'data_dir_locked',
  DatabaseUnavailable: 'database_unavailable',
  Configuration: 'configuration',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const httpStatusOf: Record<ErrorCode, number> = {
  bad_input: 400,
  not_found: 404,
  conflict: 409,
  unauthenticated: 401,
  forbidden: 403,
  precondition_failed: 412,
  precondition_required: 428,
  unprocessable: 422,
  too_many_requests: 429,
  unsupported_media_type: 415,
  payload_too_large: 413,
  data_dir_locked: 503,
  database_unavailable: 503,
  configuration: 500,
  internal: 500,
};

/** Exit 1 for anything the user can fix in their input (the CLI contract), 2 for the environment. */
export const exitCodeOf: Record<ErrorCode, number> = {
  bad_input: 1,
  not_found: 1,
  conflict: 1,
  unauthenticated: 1,
  forbidden: 1,
  precondition_failed: 1,
  precondition_required: 1,
  unprocessable: 1,
  too_many_requests: 1,
  unsupported_media_type: 1,
  payload_too_large: 1,
  data_dir_locked: 2,
  database_unavailable: 2,
  configuration: 2,
  internal: 3,
};

/** One problem in one row and column of an input file. `row` is the row as a spreadsheet numbers it: the header is row 1. */
export interface RowProblem {
  row: number;
  column: string;
  value: string;
  /** In English; `code` and `params` let an interface say it in its own language (catalogue key `problem.<code>`). */
  reason: string;
  code?: string;
  params?: Record<string, string | number>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: RowProblem[] | Record<string, unknown> | undefined;
  /** The catalogue key (`error.<key>`) and values of the message, so an interface can say it in its language. */
  readonly messageKey: string | undefined;
  readonly params: Record<string, string | number> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    details?: RowProblem[] | Record<string, unknown>,
    messageKey?: string,
    params?: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.messageKey = messageKey;
    this.params = params;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
