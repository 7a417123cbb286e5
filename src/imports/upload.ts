import type { RowProblem } from '../errors/app-error.ts';

/** An upload through the API and the report of its dry run (src/imports/upload.service.ts). */
export const UPLOAD_KINDS = ['persons', 'cases', 'events', 'pledges'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];
export const UPLOAD_STATUSES = ['valid', 'invalid', 'committed'] as const;

export interface UploadReport {
  valid: boolean;
  /** Rows read, where the import got that far. */
  rows: number | null;
  /** What the import would write (or, once committed, wrote): counts. */
  summary: Record<string, number> | null;
  /** Why the file is refused, in English; `messageKey` and `params` let the API say it in the caller's language. */
  message: string | null;
  messageKey: string | null;
  params: Record<string, string | number> | null;
  problemCount: number;
  problems: RowProblem[];
}

export interface Upload {
  id: number;
  kind: UploadKind;
  stateCode: string;
  roundId: string | null;
  filename: string;
  sha256: string;
  status: (typeof UPLOAD_STATUSES)[number];
  createdBy: string;
  createdAt: string;
  committedAt: string | null;
  importId: number | null;
  report: UploadReport;
}
