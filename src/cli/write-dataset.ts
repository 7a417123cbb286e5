import { writeFileSync } from 'node:fs';
import type { Dataset } from '../exchange/dataset.ts';
import type { ExportFormat } from '../exchange/writers.ts';
import { ErrorCode } from '../errors/app-error.ts';
import type { Translate } from '../i18n/i18n.ts';
import { appError } from '../i18n/problem.ts';

/** The exchange formats a report command takes beside its own (table, csv, json). */
export const DATASET_FORMATS = ['xlsx', 'hxl', 'sdmx'] as const;
export const isDatasetFormat = (f: string): f is (typeof DATASET_FORMATS)[number] => (DATASET_FORMATS as readonly string[]).includes(f);

/** A report's dataset in an exchange format: to the file given (needed for xlsx), else to the output. */
export async function writeDataset(opts: {
  format: ExportFormat;
  dataset: Dataset;
  t: Translate;
  out: (s: string) => void;
  output?: string | undefined;
}): Promise<void> {
  if (opts.format === 'xlsx' && !opts.output) throw appError(ErrorCode.BadInput, 'outputNeeded', { p1: 'xlsx' });
  // The writers bring exceljs: loaded when a dataset is written, not at every start.
  const { writeDatasetAs } = await import('../exchange/writers.ts');
  const body = await writeDatasetAs(opts.format, opts.dataset, opts.t);
  if (opts.output) {
    writeFileSync(opts.output, body);
    opts.out(opts.t('exports.written', { file: opts.output }));
  } else opts.out(String(body));
}
