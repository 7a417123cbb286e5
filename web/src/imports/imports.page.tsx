import { useQueryClient } from '@tanstack/react-query';
import { Fragment, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { api, ApiError } from '../api/client.ts';
import { signedIn, useMe } from '../api/session.ts';
import { useRounds } from '../rounds/round.queries.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { ErrorNotice, Notice, PageHeader } from '../ui/status.tsx';
import {
  countCsvRows,
  FILE_KINDS,
  isXlsx,
  KIND_ORDER,
  sendFile,
  templateCsv,
  type ImportUpload,
  type Progress,
  type RowProblem,
  type UploadKind,
  type UploadState,
} from './import-file.ts';
import { formatPercent } from '../ui/format.ts';
import { Shipped, shippedKeys } from '../i18n/shipped.tsx';

type Step =
  | { kind: 'idle' }
  | { kind: 'uploading'; progress: Progress }
  | { kind: 'report'; upload: ImportUpload; etag: string; problems: RowProblem[]; rows: number | null }
  | { kind: 'committing'; upload: ImportUpload; etag: string; rows: number | null }
  | { kind: 'committed'; upload: ImportUpload };

/** The counts an import reports, in the order they are shown (src/cases/person.import.ts, case-events.import.ts, pledges). */
const SUMMARY_KEYS = ['rows', 'added', 'updated', 'unchanged', 'casesAdded', 'casesUpdated', 'outsideAnyRound', 'moved', 'cases'];

/**
 * A state's officer takes a file in: the file is sent (with a progress bar) and checked by a dry run
 * of its import; the report lists every bad row (row, column, value, reason); a file with no problem
 * can then be committed, and the page says what was written. A template of each kind of file gives
 * the columns the importer reads.
 */
export function ImportsPage() {
  const intl = useIntl();
  const t = (id: string, v?: Record<string, string | number>) => intl.formatMessage({ id }, v);
  const me = useMe();
  const queryClient = useQueryClient();
  const user = signedIn(me.data) ? me.data.user : null;
  const state = (user?.stateCode ?? null) as UploadState | null;
  const rounds = useRounds();
  const [fileKind, setFileKind] = useState<UploadKind>('cases');
  const [round, setRound] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [error, setError] = useState<unknown>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const reportHeading = useRef<HTMLHeadingElement>(null);
  const ids = { kind: useId(), round: useId(), file: useId(), progress: useId() };
  const spec = FILE_KINDS[fileKind];

  useEffect(() => {
    if (step.kind === 'report' || step.kind === 'committed') reportHeading.current?.focus();
  }, [step.kind]);

  const onUpload = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const file = fileInput.current?.files?.[0];
    if (!file) {
      setFileError(t('imports.form.noFile'));
      fileInput.current?.focus();
      return;
    }
    if (isXlsx(file) && !spec.xlsx) {
      setFileError(t('imports.form.csvOnly'));
      fileInput.current?.focus();
      return;
    }
    setFileError(null);
    if (!state) return;
    try {
      const rowsPromise = isXlsx(file) ? Promise.resolve(null) : file.text().then(countCsvRows);
      setStep({ kind: 'uploading', progress: { phase: 'sending', fraction: 0 } });
      const { upload, etag } = await sendFile({
        file,
        kind: fileKind,
        state,
        round: spec.needsRound ? round || null : null,
        csrfToken: me.data?.csrfToken ?? null,
        language: intl.locale,
        onProgress: (progress) => setStep({ kind: 'uploading', progress }),
      });
      // The bad rows quote the file: they come with the upload read back, not with its creation.
      const problems = upload.report.valid
        ? []
        : ((await api.GET('/api/imports/{id}', { params: { path: { id: upload.id } } })).data!.report.problems ?? []);
      setStep({ kind: 'report', upload, etag, problems, rows: upload.report.rows ?? (await rowsPromise) });
    } catch (x) {
      setStep({ kind: 'idle' });
      setError(x instanceof ApiError && x.status === 0 ? new Error(t('imports.network')) : x);
    }
  };

  const onCommit = async () => {
    if (step.kind !== 'report') return;
    setError(null);
    setStep({ kind: 'committing', upload: step.upload, etag: step.etag, rows: step.rows });
    try {
      const { data } = await api.POST('/api/imports/{id}/commit', {
        params: { path: { id: step.upload.id }, header: { 'Idempotency-Key': crypto.randomUUID(), 'If-Match': step.etag } },
      });
      setStep({ kind: 'committed', upload: data! });
      // What the file wrote changes the cases, pledges and figures read elsewhere.
      await queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
    } catch (x) {
      setStep({ ...step });
      setError(x);
    }
  };

  const template = useMemo(() => URL.createObjectURL(new Blob([templateCsv(fileKind)], { type: 'text/csv;charset=utf-8' })), [fileKind]);
  useEffect(() => () => URL.revokeObjectURL(template), [template]);

  const busy = step.kind === 'uploading' || step.kind === 'committing';
  return (
    <>
      <PageHeader title={<FormattedMessage id="imports.title" />} />
      <p className="lead">
        <FormattedMessage id="imports.lead" values={{ state: state ?? '—' }} />
      </p>

      <section className="panel" aria-labelledby="imports-form-title">
        <h2 id="imports-form-title">
          <FormattedMessage id="imports.form.heading" />
        </h2>
        <form className="form" onSubmit={onUpload} noValidate>
          <div className="form-row">
            <div className="field">
              <label htmlFor={ids.kind}>
                <FormattedMessage id="imports.form.kind" />
              </label>
              <select id={ids.kind} value={fileKind} disabled={busy} onChange={(e) => setFileKind(e.target.value as UploadKind)}>
                {KIND_ORDER.map((k) => (
                  <option key={k} value={k}>
                    {t(`imports.kind.${k}`)}
                  </option>
                ))}
              </select>
            </div>
            {spec.needsRound && (
              <div className="field">
                <label htmlFor={ids.round}>
                  <FormattedMessage id="common.round" />
                </label>
                <select id={ids.round} value={round} disabled={busy} onChange={(e) => setRound(e.target.value)}>
                  <option value="">{t('imports.form.chooseRound')}</option>
                  {(rounds.data ?? []).map((r) => (
                    <option key={r.id} value={r.id}>
                      <Shipped k={shippedKeys.roundTitle(r.id)} stored={r.title} />
                    </option>
                  ))}
                </select>
              </div>
            )}
            <div className="field wide">
              <label htmlFor={ids.file}>
                <FormattedMessage id={spec.xlsx ? 'imports.form.fileCsvXlsx' : 'imports.form.fileCsv'} />
              </label>
              <input
                ref={fileInput}
                id={ids.file}
                type="file"
                accept={
                  spec.xlsx ? '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : '.csv,text/csv'
                }
                disabled={busy}
                aria-invalid={fileError ? true : undefined}
                aria-describedby={`${ids.file}-hint${fileError ? ` ${ids.file}-error` : ''}`}
                onChange={() => setFileError(null)}
              />
              <p className="hint" id={`${ids.file}-hint`}>
                <FormattedMessage id={`imports.hint.${fileKind}`} />
              </p>
              {fileError && (
                <p className="field-error" id={`${ids.file}-error`}>
                  {fileError}
                </p>
              )}
            </div>
          </div>
          <details>
            <summary>
              <FormattedMessage id="imports.columns.summary" />
            </summary>
            <p>
              <FormattedMessage id="imports.columns.required" /> <code>{spec.required.join(', ')}</code>
            </p>
            {spec.optional.length > 0 && (
              <p>
                <FormattedMessage id="imports.columns.optional" /> <code>{spec.optional.join(', ')}</code>
              </p>
            )}
          </details>
          <p>
            <a href={template} download={`pathways-${fileKind}-template.csv`} data-testid="template-link">
              <FormattedMessage id="imports.template" values={{ kind: t(`imports.kind.${fileKind}`) }} />
            </a>
          </p>
          <p>
            <button type="submit" disabled={busy || (spec.needsRound && !round)}>
              <FormattedMessage id="imports.form.submit" />
            </button>
          </p>
        </form>
        {step.kind === 'uploading' && <UploadProgress progress={step.progress} id={ids.progress} />}
        {error !== null && <ErrorNotice error={error} />}
      </section>

      {(step.kind === 'report' || step.kind === 'committing') && (
        <section className="panel" aria-labelledby="imports-report-title">
          <h2 id="imports-report-title" ref={reportHeading} tabIndex={-1}>
            <FormattedMessage id="imports.report.heading" values={{ file: step.upload.filename }} />
          </h2>
          {step.upload.report.valid ? (
            <ValidReport upload={step.upload} rows={step.rows} onCommit={() => void onCommit()} committing={step.kind === 'committing'} />
          ) : (
            <ProblemReport upload={step.upload} problems={step.kind === 'report' ? step.problems : []} />
          )}
        </section>
      )}

      {step.kind === 'committed' && (
        <section className="panel" aria-labelledby="imports-report-title">
          <h2 id="imports-report-title" ref={reportHeading} tabIndex={-1}>
            <FormattedMessage id="imports.done.heading" values={{ file: step.upload.filename }} />
          </h2>
          <Notice kind="success">
            <p>
              <FormattedMessage
                id="imports.done.summary"
                values={{
                  added: intl.formatNumber(step.upload.report.summary?.added ?? 0),
                  updated: intl.formatNumber(step.upload.report.summary?.updated ?? 0),
                  unchanged: intl.formatNumber(step.upload.report.summary?.unchanged ?? 0),
                }}
              />
            </p>
          </Notice>
          <Counts summary={step.upload.report.summary} />
        </section>
      )}
    </>
  );
}

function UploadProgress({ progress, id }: { progress: Progress; id: string }) {
  const intl = useIntl();
  const sending = progress.phase === 'sending';
  const percent = sending && progress.fraction !== null ? Math.round(progress.fraction * 100) : null;
  return (
    <div className="upload-progress">
      <label htmlFor={id}>
        {sending ? (
          percent !== null ? (
            <FormattedMessage id="imports.progress.sending" values={{ percent: formatPercent(intl, percent / 100) }} />
          ) : (
            <FormattedMessage id="imports.progress.sendingUnknown" />
          )
        ) : (
          <FormattedMessage id="imports.progress.checking" />
        )}
      </label>
      {/* Without a value the bar is indeterminate: the server is checking the file. */}
      {percent !== null ? <progress id={id} className="progress" max={100} value={percent} /> : <progress id={id} className="progress" />}
      <p role="status" className="visually-hidden">
        <FormattedMessage id={sending ? 'imports.progress.sendingUnknown' : 'imports.progress.checking'} />
      </p>
    </div>
  );
}

function Counts({ summary }: { summary: Record<string, number> | null }) {
  const intl = useIntl();
  if (!summary) return null;
  const keys = SUMMARY_KEYS.filter((k) => k in summary);
  return (
    <dl className="facts" data-testid="import-counts">
      {keys.map((k) => (
        <Fragment key={k}>
          <dt>{intl.formatMessage({ id: `imports.count.${k}` })}</dt>
          <dd data-count={k}>{intl.formatNumber(summary[k]!)}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

function ValidReport({
  upload,
  rows,
  onCommit,
  committing,
}: {
  upload: ImportUpload;
  rows: number | null;
  onCommit: () => void;
  committing: boolean;
}) {
  const intl = useIntl();
  return (
    <>
      <Notice kind="success">
        <p>
          <FormattedMessage id="imports.report.valid" values={{ rows: intl.formatMessage({ id: 'common.rows' }, { count: rows ?? 0 }) }} />
        </p>
      </Notice>
      <h3>
        <FormattedMessage id="imports.report.wouldWrite" />
      </h3>
      <Counts summary={upload.report.summary} />
      <p>
        <button type="button" onClick={onCommit} disabled={committing}>
          <FormattedMessage id="imports.report.commit" />
        </button>
      </p>
    </>
  );
}

function ProblemReport({ upload, problems }: { upload: ImportUpload; problems: RowProblem[] }) {
  const intl = useIntl();
  const t = (id: string, v?: Record<string, string | number>) => intl.formatMessage({ id }, v);
  const count = upload.report.problemCount;
  // The rows with a problem (not the rows read): known when every problem is listed.
  const rows = problems.length > 0 && problems.length >= count ? new Set(problems.map((p) => p.row)).size : null;
  const problemsText = t('common.problems', { count });
  const columns: Column<RowProblem & { n: number }>[] = [
    { key: 'row', header: <FormattedMessage id="imports.problem.row" />, value: (p) => p.row, numeric: true },
    {
      key: 'column',
      header: <FormattedMessage id="imports.problem.column" />,
      value: (p) => p.column,
      render: (p) => <code>{p.column}</code>,
    },
    {
      key: 'value',
      header: <FormattedMessage id="imports.problem.value" />,
      value: (p) => p.value,
      render: (p) => (p.value === '' ? <em>{t('imports.problem.empty')}</em> : <code>{p.value}</code>),
    },
    { key: 'reason', header: <FormattedMessage id="imports.problem.reason" />, value: (p) => p.reason },
  ];
  return (
    <>
      <div className="notice notice-warning" role="alert">
        <p>
          {rows !== null ? (
            <FormattedMessage
              id="imports.report.problemsInRows"
              values={{ problems: problemsText, rows: t('common.rows', { count: rows }) }}
            />
          ) : (
            <FormattedMessage id="imports.report.problems" values={{ problems: problemsText }} />
          )}{' '}
          <FormattedMessage id="imports.report.fix" />
        </p>
        {/* The server's own words where the table does not say it all: a header that does not fit, or more problems than listed. */}
        {upload.report.message && (problems.length === 0 || count > problems.length) && <p>{upload.report.message}</p>}
      </div>
      {problems.length > 0 && (
        <DataTable
          caption={t('imports.problem.caption', { shown: t('common.problems', { count: problems.length }) })}
          columns={columns}
          rows={problems.map((p, n) => ({ ...p, n }))}
          rowKey={(p) => String(p.n)}
          initialSort={{ key: 'row' }}
        />
      )}
    </>
  );
}
