import type { components, operations } from '../../../src/api/openapi.types.ts';
import { ApiError } from '../api/client.ts';

/**
 * The files a state's officer uploads, and the upload itself. The columns are the importers' own,
 * copied here because the browser cannot load the server's modules:
 *   persons: PERSON_COLUMNS (src/cases/person-row.ts)
 *   cases:   PERSON_COLUMNS + CASE_OPTIONAL_COLUMNS (src/cases/person-row.ts; src/cases/person.import.ts importCasesFile)
 *   events:  EVENT_COLUMNS + EVENT_OPTIONAL_COLUMNS (src/cases/case-events.import.ts)
 *   pledges: PLEDGE_COLUMNS + PLEDGE_OPTIONAL_COLUMNS (src/pledges/pledge.ts)
 * test/browser/imports.test.ts checks the template against the server's lists.
 */
export type ImportUpload = components['schemas']['ImportUpload'];
export type RowProblem = components['schemas']['RowProblem'];
export type UploadKind = operations['uploadImport']['parameters']['query']['kind'];
export type UploadState = operations['uploadImport']['parameters']['query']['state'];

const PERSON_COLUMNS = [
  'case_ref',
  'person_ref',
  'member_state',
  'pathway',
  'round',
  'citizenship',
  'sex',
  'birth_year',
  'country_of_departure',
  'arrived_on',
];
const CASE_OPTIONAL_COLUMNS = [
  'priority',
  'primary_category',
  'secondary_category',
  'referring_partner',
  'partner_ref',
  'linked_cases',
  'relationship',
  'needs',
  'referred_on',
];

export const FILE_KINDS: Record<UploadKind, { required: string[]; optional: string[]; xlsx: boolean; needsRound: boolean }> = {
  cases: { required: PERSON_COLUMNS, optional: CASE_OPTIONAL_COLUMNS, xlsx: true, needsRound: false },
  persons: { required: PERSON_COLUMNS, optional: [], xlsx: false, needsRound: false },
  events: {
    required: ['case_ref', 'stage', 'date', 'actor', 'reason'],
    optional: ['member_state', 'modality'],
    xlsx: false,
    needsRound: false,
  },
  pledges: {
    required: ['member_state', 'pathway', 'places', 'carry_over', 'country_of_departure', 'note'],
    optional: ['target_group'],
    xlsx: false,
    needsRound: true,
  },
};
export const KIND_ORDER: UploadKind[] = ['cases', 'persons', 'events', 'pledges'];

/** An example person of a made-up household (EXAMPLE-1): how each column is written. Replace it before uploading. */
const EXAMPLE_PERSON: Record<string, string> = {
  case_ref: 'EXAMPLE-1',
  person_ref: 'EXAMPLE-1-A',
  member_state: 'NL',
  pathway: 'resettlement',
  round: '2020-2021',
  citizenship: 'SYR',
  sex: 'F',
  birth_year: '1986',
  country_of_departure: 'LBN',
  arrived_on: '',
};
/**
 * The example row under each household file's header. `relationship` is each member's relationship
 * to the principal applicant: principal, spouse, child, parent, sibling, grandchild, other
 * (RELATIONSHIPS in src/cases/person-row.ts).
 */
export const TEMPLATE_EXAMPLES: Partial<Record<UploadKind, Record<string, string>>> = {
  cases: {
    ...EXAMPLE_PERSON,
    priority: 'normal',
    primary_category: 'medical_needs',
    secondary_category: 'women_girls_at_risk',
    referring_partner: 'unhcr',
    partner_ref: 'UNHCR-0001',
    linked_cases: '',
    relationship: 'principal',
    needs: 'disability(wheelchair access);medical',
    referred_on: '2020-03-02',
  },
  persons: EXAMPLE_PERSON,
};

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * A template of a kind of file: its header row (every column, required first) and, for the household
 * files, an example row; UTF-8 with a byte-order mark for spreadsheet programs.
 */
export const templateCsv = (kind: UploadKind): string => {
  const columns = [...FILE_KINDS[kind].required, ...FILE_KINDS[kind].optional];
  const example = TEMPLATE_EXAMPLES[kind];
  return `\ufeff${columns.join(',')}\r\n${example ? `${columns.map((c) => csvCell(example[c] ?? '')).join(',')}\r\n` : ''}`;
};

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const isXlsx = (file: Pick<File, 'name'>) => /\.xlsx$/i.test(file.name);

/**
 * The rows of a CSV file below its header, counted as the importer counts them (a line break inside
 * quotes stays in its row; empty lines are skipped).
 */
export function countCsvRows(text: string): number {
  let records = 0;
  let inQuotes = false;
  let filled = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') inQuotes = !inQuotes;
    if (!inQuotes && (c === '\n' || c === '\r')) {
      if (filled) records++;
      filled = false;
      continue;
    }
    if (c !== '\ufeff') filled = true;
  }
  if (filled) records++;
  return Math.max(0, records - 1);
}

export type Progress = { phase: 'sending'; fraction: number | null } | { phase: 'checking' };

/**
 * Sends a file to POST /api/imports with XMLHttpRequest, which reports the upload's progress (fetch
 * does not). The headers are those the API client adds to every change: the CSRF token, an
 * Idempotency-Key, the language of the answer.
 */
export function sendFile(opts: {
  file: File;
  kind: UploadKind;
  state: UploadState;
  round: string | null;
  csrfToken: string | null;
  language: string;
  onProgress: (p: Progress) => void;
}): Promise<{ upload: ImportUpload; etag: string }> {
  const { file } = opts;
  const query = new URLSearchParams({ kind: opts.kind, state: opts.state, ...(opts.round ? { round: opts.round } : {}) });
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/imports?${query}`);
    xhr.setRequestHeader('content-type', isXlsx(file) ? XLSX : 'text/csv');
    xhr.setRequestHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('accept-language', opts.language);
    xhr.setRequestHeader('idempotency-key', crypto.randomUUID());
    if (opts.csrfToken) xhr.setRequestHeader('x-csrf-token', opts.csrfToken);
    xhr.upload.onprogress = (e) =>
      opts.onProgress({ phase: 'sending', fraction: e.lengthComputable && e.total > 0 ? e.loaded / e.total : null });
    // Sent: the server now validates the file (a dry run of the import), which takes a while for a large file.
    xhr.upload.onload = () => opts.onProgress({ phase: 'checking' });
    xhr.onerror = () => reject(new ApiError(0, 'internal', 'network'));
    xhr.onload = () => {
      let body: { code?: unknown; message?: unknown; details?: unknown } & Partial<ImportUpload> = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // not the API's shape: the status speaks
      }
      if (xhr.status === 201) resolve({ upload: body as ImportUpload, etag: xhr.getResponseHeader('etag') ?? '' });
      else
        reject(
          new ApiError(
            xhr.status,
            typeof body.code === 'string' ? body.code : 'internal',
            typeof body.message === 'string' ? body.message : `HTTP ${xhr.status}`,
            body.details && typeof body.details === 'object' ? (body.details as Record<string, unknown>) : {},
          ),
        );
    };
    opts.onProgress({ phase: 'sending', fraction: 0 });
    xhr.send(file);
  });
}
