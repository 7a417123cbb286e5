import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { ApiError } from '../api/client.ts';
import { useMe } from '../api/session.ts';
import { ChartPanel } from '../charts/chart-panel.tsx';
import { LazyChart } from '../charts/lazy.ts';
import type { ChartOption } from '../charts/option.ts';
import { COLOURS } from '../charts/style.ts';
import { defaultRound, useRounds } from '../state-of-play/state-of-play.queries.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { DownloadButtons } from '../ui/download-buttons.tsx';
import { Field } from '../ui/field.tsx';
import { formatCount, formatMoment } from '../ui/format.ts';
import { ErrorNotice, Loading, Notice, PageHeader } from '../ui/status.tsx';
import {
  useDecide,
  usePlacements,
  useRun,
  useRuns,
  useStartRun,
  type Placement,
  type PlacementResult,
  type PlacementRun,
  type StateCode,
} from './placement.api.ts';
import {
  costOf,
  decidedIn,
  groupsOf,
  lpGapOf,
  optionsOf,
  personsByPlace,
  planOf,
  RANDOM_DRAWS,
  worthOfRun,
  type Household,
  type Plan,
} from './plan.ts';
import { TIME_LIMIT } from '../../../src/placement/decision.ts';
import './placement.css';
import { NotReady } from '../ui/page-state.tsx';
import { Actor } from '../ui/actor.tsx';
import { Shipped, shippedKeys } from '../i18n/shipped.tsx';

/** A score, an objective, a cost: three decimals, in the page's language. */
export const formatScore = (intl: IntlShape, v: number): string =>
  intl.formatNumber(v, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
const formatGap = (intl: IntlShape, v: number): string =>
  intl.formatNumber(v, { style: 'percent', minimumFractionDigits: 3, maximumFractionDigits: 3 });
const useTime = () => {
  const intl = useIntl();
  return (iso: string) => formatMoment(intl, iso, { utc: true });
};

/**
 * Placement (issue 8): a state's officer asks the optimiser for a proposal (a job: its progress
 * shown as it runs), reads it with its certificate (objective, LP upper bound, gap, the binding
 * capacities, each household's why), compares it with the current placements, changes households
 * by hand — seeing at once the cost of each change against the proposal and whether the plan still
 * holds — and confirms; only confirmed placements are recorded, with who decided.
 */
export function PlacementPage() {
  const me = useMe();
  const state = (me.data?.user.role === 'state_officer' ? (me.data.user.stateCode ?? undefined) : undefined) as StateCode | undefined;
  const search = useSearch({ strict: false }) as { run?: string };
  const runs = useRuns(state);
  const asked = search.run !== undefined && /^\d+$/.test(search.run) ? Number(search.run) : undefined;
  const runId = asked ?? runs.data?.[0]?.id;
  return (
    <div className="placement">
      <PageHeader title={<FormattedMessage id="placement.title" />} />
      <p className="lead">
        <FormattedMessage id="placement.lead" />
      </p>
      {me.isPending ? (
        <Loading />
      ) : !state ? (
        <Notice>
          <FormattedMessage id="placement.noState" />
        </Notice>
      ) : (
        <>
          <StartRun state={state} />
          {runs.status !== 'success' ? (
            <NotReady query={runs} />
          ) : runId === undefined ? null : (
            <RunView key={runId} state={state} id={runId} />
          )}
          <CurrentPlacements state={state} />
        </>
      )}
    </div>
  );
}

function StartRun({ state }: { state: StateCode }) {
  const intl = useIntl();
  const navigate = useNavigate();
  const rounds = useRounds();
  const start = useStartRun(state);
  const [round, setRound] = useState<string | undefined>(undefined);
  const [limit, setLimit] = useState(String(TIME_LIMIT.default));
  const chosen = round ?? (rounds.data ? defaultRound(rounds.data)?.id : undefined);
  const seconds = Number(limit);
  const limitOk = Number.isInteger(seconds) && seconds >= TIME_LIMIT.min && seconds <= TIME_LIMIT.max;
  const [tried, setTried] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!chosen || !limitOk) return;
    start.mutate(
      { round: chosen, timeLimitSeconds: seconds },
      { onSuccess: (run) => void navigate({ to: '/placement', search: { run: String(run.id) } }) },
    );
  };
  return (
    <section className="panel no-print" aria-labelledby="placement-start">
      <h2 id="placement-start">
        <FormattedMessage id="placement.start" />
      </h2>
      <p className="hint">
        <FormattedMessage id="placement.startHint" />
      </p>
      {rounds.isError && <ErrorNotice error={rounds.error} />}
      <form className="form-row" onSubmit={submit} noValidate>
        <Field
          id="placement-round"
          label={<FormattedMessage id="common.round" />}
          control={(p) => (
            <select {...p} name="round" value={chosen ?? ''} onChange={(e) => setRound(e.target.value)}>
              {(rounds.data ?? []).map((r) => (
                <option key={r.id} value={r.id}>
                  <Shipped k={shippedKeys.roundTitle(r.id)} stored={r.title} />
                </option>
              ))}
            </select>
          )}
        />
        <Field
          id="placement-time-limit"
          label={<FormattedMessage id="placement.timeLimit" />}
          hint={<FormattedMessage id="placement.timeLimitHint" values={{ min: TIME_LIMIT.min, max: TIME_LIMIT.max }} />}
          errors={
            tried && !limitOk
              ? [intl.formatMessage({ id: 'placement.timeLimitInvalid' }, { min: TIME_LIMIT.min, max: TIME_LIMIT.max })]
              : undefined
          }
          control={(p) => (
            <input
              {...p}
              name="timeLimitSeconds"
              type="number"
              inputMode="numeric"
              min={TIME_LIMIT.min}
              max={TIME_LIMIT.max}
              step={1}
              value={limit}
              onChange={(e) => setLimit(e.target.value)}
            />
          )}
        />
        <div className="field">
          <button type="submit" disabled={start.isPending || !chosen}>
            <FormattedMessage id="placement.propose" />
          </button>
        </div>
      </form>
      {start.isError && <ErrorNotice error={start.error} />}
    </section>
  );
}

function RunView({ state, id }: { state: StateCode; id: number }) {
  const intl = useIntl();
  const time = useTime();
  const run = useRun(state, id);
  if (run.status !== 'success') return <NotReady query={run} />;
  const r = run.data;
  return (
    <>
      <p className="hint" data-testid="placement-run">
        <FormattedMessage
          id="placement.runLine"
          values={{
            id: r.id,
            round: r.roundId,
            by: r.requestedBy,
            at: time(r.requestedAt),
            status: intl.formatMessage({ id: `placement.status.${r.status}` }),
          }}
        />
      </p>
      {r.status === 'failed' ? (
        <div className="notice notice-error" role="alert" data-testid="placement-failed">
          <p>
            <FormattedMessage id="placement.failed" values={{ error: r.error ?? '' }} />
          </p>
        </div>
      ) : r.status !== 'done' ? (
        <RunProgress run={r} />
      ) : r.result ? (
        <Proposal state={state} run={r} result={r.result} />
      ) : null}
    </>
  );
}

function RunProgress({ run }: { run: PlacementRun }) {
  const intl = useIntl();
  const id = useId();
  const p = run.progress;
  const phase = p
    ? intl.formatMessage({ id: 'placement.phase' }, { phase: p.phase.replace(/\s+/g, '_') })
    : intl.formatMessage({ id: 'placement.status.queued' });
  const figures = [
    p
      ? intl.formatMessage(
          { id: 'placement.progress.seconds' },
          { seconds: intl.formatNumber(p.seconds, { maximumFractionDigits: 1 }), limit: run.timeLimitSeconds },
        )
      : null,
    p?.objective !== undefined
      ? intl.formatMessage({ id: 'placement.progress.objective' }, { value: formatScore(intl, p.objective) })
      : null,
    p?.bound !== undefined ? intl.formatMessage({ id: 'placement.progress.bound' }, { value: formatScore(intl, p.bound) }) : null,
  ].filter(Boolean);
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid="placement-progress">
      <h2 id={`${id}-h`}>
        <FormattedMessage id="placement.running" />
      </h2>
      <label htmlFor={id}>{phase}</label>
      <progress id={id} className="progress" max={run.timeLimitSeconds} value={Math.min(p?.seconds ?? 0, run.timeLimitSeconds)} />
      <p role="status" aria-live="polite" data-testid="placement-progress-text">
        {[phase, ...figures].join(' · ')}
      </p>
    </section>
  );
}

type Row = Household & { proposed: string | null };

function Proposal({ state, run, result }: { state: StateCode; run: PlacementRun; result: PlacementResult }) {
  const intl = useIntl();
  const time = useTime();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const placements = usePlacements(state);
  const decide = useDecide(state);
  const [changes, setChanges] = useState<Record<string, string>>({});
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [missing, setMissing] = useState<ReadonlySet<string>>(new Set());
  const [done, setDone] = useState<{ count: number; cost: number } | null>(null);

  const current = useMemo(() => new Map((placements.data ?? []).map((p) => [p.caseRef, p])), [placements.data]);
  const decided = useMemo(() => decidedIn(run.id, placements.data ?? []), [run.id, placements.data]);
  const plan = useMemo(() => planOf(result, decided, changes), [result, decided, changes]);
  const groups = useMemo(() => groupsOf(result), [result]);
  const groupOf = (ref: string) => groups.get(ref) ?? [ref];
  const why = useMemo(() => new Map(result.explanations.map((e) => [e.household, e])), [result]);
  const places = useMemo(() => new Map(result.places.map((p) => [p.code, p])), [result]);
  const placeName = (code: string | null) => (code === null ? t('placement.notPlaced') : `${places.get(code)?.name ?? code} (${code})`);
  const dimension = (d: string) => t(`placement.dim.${d}`);
  /** What a household's choice is now: a change on the page, else this run's decision, else the proposal. */
  const choiceOf = (ref: string): string | null => plan.assignment[ref] ?? null;
  /** Not yet recorded for this run as it stands on the page. */
  const pending = (ref: string) => choiceOf(ref) !== null && choiceOf(ref) !== (decided[ref] ?? null);

  const choose = (ref: string, code: string) => {
    setDone(null);
    setChanges((c) => {
      const next = { ...c };
      // Linked households go together: the whole group follows.
      for (const g of groupOf(ref)) {
        const base = decided[g] ?? result.assignment[g] ?? null;
        if (code === '' || code === base) delete next[g];
        else next[g] = code;
      }
      return next;
    });
  };

  const confirm = (refs: readonly string[]) => {
    setDone(null);
    const all = [...new Set(refs.flatMap((r) => groupOf(r)))].filter(pending);
    const lacking = all.filter((r) => choiceOf(r) !== (result.assignment[r] ?? null) && !(reasons[r] ?? '').trim());
    setMissing(new Set(lacking));
    if (all.length === 0 || lacking.length > 0) return;
    const decisions = all.map((r) => ({
      caseRef: r,
      place: choiceOf(r)!,
      ...((reasons[r] ?? '').trim() ? { reason: reasons[r]!.trim() } : {}),
    }));
    decide.mutate(
      { runId: run.id, decisions },
      {
        onSuccess: (out) => {
          setDone({ count: out.placements.length, cost: out.cost });
          setChanges((c) => Object.fromEntries(Object.entries(c).filter(([r]) => !all.includes(r))));
          setSelected(new Set());
        },
      },
    );
  };

  const rows: Row[] = result.households.map((h) => ({ ...h, proposed: result.assignment[h.ref] ?? null }));
  const persons = result.dimensions.indexOf('persons');
  const columns: Column<Row>[] = [
    {
      key: 'select',
      header: <span className="visually-hidden">{t('placement.select')}</span>,
      fixed: true,
      value: (h) => (selected.has(h.ref) ? 1 : 0),
      render: (h) => (
        <input
          type="checkbox"
          aria-label={t('placement.selectOne', { ref: h.ref })}
          checked={selected.has(h.ref)}
          disabled={!pending(h.ref)}
          onChange={(e) => setSelected((s) => (e.target.checked ? new Set([...s, h.ref]) : new Set([...s].filter((r) => r !== h.ref))))}
        />
      ),
    },
    {
      key: 'ref',
      header: t('placement.household'),
      value: (h) => h.ref,
      render: (h) => (
        <Link to="/cases/$ref" params={{ ref: h.ref }}>
          {h.ref}
        </Link>
      ),
    },
    { key: 'size', header: t('placement.size'), value: (h) => h.size[persons] ?? null, numeric: true },
    { key: 'proposed', header: t('placement.proposed'), value: (h) => placeName(h.proposed) },
    {
      key: 'score',
      header: t('placement.score'),
      value: (h) => why.get(h.ref)?.value ?? null,
      render: (h) => formatScore(intl, why.get(h.ref)?.value ?? NaN),
      numeric: true,
    },
    {
      key: 'current',
      header: t('placement.current'),
      value: (h) => current.get(h.ref)?.placeCode ?? null,
      render: (h) => {
        const c = current.get(h.ref);
        return c ? `${c.placeName} (${c.placeCode})` : <span className="muted">{t('placement.noneYet')}</span>;
      },
    },
    {
      key: 'choice',
      header: t('placement.choice'),
      fixed: true,
      value: (h) => choiceOf(h.ref),
      render: (h) => (
        <Choice
          result={result}
          plan={plan}
          groups={groups}
          h={h}
          value={choiceOf(h.ref)}
          placeName={placeName}
          dimension={dimension}
          onChange={(code) => choose(h.ref, code)}
        />
      ),
    },
    {
      key: 'cost',
      header: t('placement.cost'),
      numeric: true,
      value: (h) => costOf(result, h, choiceOf(h.ref)),
      render: (h) => {
        const c = costOf(result, h, choiceOf(h.ref));
        return <span data-testid={`cost-${h.ref}`}>{choiceOf(h.ref) === h.proposed ? '–' : formatScore(intl, c)}</span>;
      },
    },
    {
      key: 'reason',
      header: t('placement.reason'),
      fixed: true,
      value: (h) => reasons[h.ref] ?? null,
      render: (h) =>
        choiceOf(h.ref) !== h.proposed && pending(h.ref) ? (
          <>
            <input
              type="text"
              maxLength={2000}
              aria-label={t('placement.reasonFor', { ref: h.ref })}
              aria-invalid={missing.has(h.ref) || undefined}
              aria-describedby={missing.has(h.ref) ? `reason-missing-${h.ref}` : undefined}
              value={reasons[h.ref] ?? ''}
              onChange={(e) => setReasons((r) => ({ ...r, [h.ref]: e.target.value }))}
            />
            {missing.has(h.ref) && (
              <span className="field-error" id={`reason-missing-${h.ref}`}>
                {t('placement.reasonNeeded')}
              </span>
            )}
          </>
        ) : null,
    },
    {
      key: 'why',
      header: t('placement.alternatives'),
      value: (h) => alternativesText(intl, why.get(h.ref), dimension),
      render: (h) => <Why intl={intl} e={why.get(h.ref)} dimension={dimension} />,
    },
  ];

  const sheet = () => ({
    name: t('placement.households'),
    header: [
      t('placement.household'),
      t('placement.size'),
      t('placement.proposed'),
      t('placement.score'),
      t('placement.current'),
      t('placement.choice'),
      t('placement.cost'),
      t('placement.alternatives'),
    ],
    rows: rows.map((h) => [
      h.ref,
      h.size[persons] ?? null,
      h.proposed,
      why.get(h.ref)?.value ?? null,
      current.get(h.ref)?.placeCode ?? null,
      choiceOf(h.ref),
      costOf(result, h, choiceOf(h.ref)),
      alternativesText(intl, why.get(h.ref), dimension),
    ]),
  });
  const pendingRefs = result.households.map((h) => h.ref).filter(pending);
  const violations = plan.check.violations;

  return (
    <>
      <Certificate result={result} plan={plan} />
      <Worth result={result} />
      <div className="grid-2">
        <Binding result={result} placeName={placeName} dimension={dimension} />
        <Unplaced result={result} plan={plan} />
      </div>
      <CapacityChart result={result} plan={plan} />
      <section className="panel" aria-labelledby="placement-households">
        <div className="panel-head">
          <h2 id="placement-households">{t('placement.households')}</h2>
          <DownloadButtons sheet={sheet} filename={`placement-run-${run.id}`} what={t('placement.households')} />
        </div>
        <p className="hint">
          <FormattedMessage id="placement.householdsHint" />
        </p>
        <p role="status" aria-live="polite" data-testid="placement-plan" className={plan.check.feasible ? 'plan-ok' : 'plan-broken'}>
          <FormattedMessage
            id={plan.check.feasible ? 'placement.planFits' : 'placement.planBroken'}
            values={{
              objective: formatScore(intl, plan.objective),
              optimum: formatScore(intl, result.objective),
              givenUp: formatScore(intl, plan.givenUp),
              changes: plan.check.changes.length,
              cost: formatScore(intl, plan.check.cost),
            }}
          />
        </p>
        {violations.length > 0 && (
          <ul className="violations" data-testid="placement-violations">
            {violations.map((v) => (
              <li key={v}>{v}</li>
            ))}
          </ul>
        )}
        {placements.isError && <ErrorNotice error={placements.error} />}
        <div data-testid="placement-households">
          <DataTable caption={t('placement.households')} captionHidden columns={columns} rows={rows} rowKey={(h) => h.ref} />
        </div>
        <div className="downloads confirm-bar">
          <button type="button" disabled={decide.isPending || selected.size === 0} onClick={() => confirm([...selected])}>
            <FormattedMessage id="placement.confirmSelected" values={{ n: selected.size }} />
          </button>
          <button
            type="button"
            className="button-secondary"
            disabled={decide.isPending || pendingRefs.length === 0}
            onClick={() => confirm(pendingRefs)}
          >
            <FormattedMessage id="placement.confirmAll" values={{ n: pendingRefs.length }} />
          </button>
        </div>
        {missing.size > 0 && (
          <div className="notice notice-error" role="alert">
            <p>
              <FormattedMessage id="placement.reasonsMissing" values={{ refs: [...missing].join(', ') }} />
            </p>
          </div>
        )}
        {decide.isError && <DecideError error={decide.error} />}
        {done && (
          <Notice kind="success">
            <p data-testid="placement-confirmed">
              <FormattedMessage
                id="placement.confirmed"
                values={{ n: done.count, cost: formatScore(intl, done.cost), at: time(new Date().toISOString()) }}
              />
            </p>
          </Notice>
        )}
      </section>
    </>
  );
}

/** A refusal (422: the plan breaks a capacity, a link, a tie or compatibility) said plainly, with what breaks. */
function DecideError({ error }: { error: unknown }) {
  const violations =
    error instanceof ApiError && Array.isArray(error.details.violations) ? (error.details.violations as unknown[]).map(String) : [];
  return (
    <div className="notice notice-error" role="alert" data-testid="placement-refused">
      <p>{error instanceof Error ? error.message : String(error)}</p>
      {violations.length > 0 && (
        <ul>
          {violations.map((v) => (
            <li key={v}>{v}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Choice(props: {
  result: PlacementResult;
  plan: Plan;
  groups: ReadonlyMap<string, readonly string[]>;
  h: Row;
  value: string | null;
  placeName: (c: string | null) => string;
  dimension: (d: string) => string;
  onChange: (code: string) => void;
}) {
  const intl = useIntl();
  const { h } = props;
  const options = optionsOf(props.result, props.plan, props.groups, h.ref);
  const chosen = options.find((o) => o.code === props.value);
  return (
    <>
      <select
        aria-label={intl.formatMessage({ id: 'placement.choiceFor' }, { ref: h.ref })}
        value={props.value ?? ''}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={`choice-${h.ref}`}
      >
        {props.value === null && <option value="">{intl.formatMessage({ id: 'placement.notPlaced' })}</option>}
        {options.map((o) => (
          <option key={o.code} value={o.code}>
            {intl.formatMessage(
              { id: o.fits ? 'placement.option' : 'placement.optionFull' },
              {
                place: props.placeName(o.code),
                score: formatScore(intl, o.score),
                dimension: o.fullDimension ? props.dimension(o.fullDimension) : '',
              },
            )}
          </option>
        ))}
      </select>
      {chosen && !chosen.fits && (
        <span className="badge badge-danger">
          {intl.formatMessage({ id: 'placement.overCapacity' }, { dimension: props.dimension(chosen.fullDimension!) })}
        </span>
      )}
      {h.links.length > 0 && <span className="hint">{intl.formatMessage({ id: 'placement.linked' }, { refs: h.links.join(', ') })}</span>}
    </>
  );
}

type Explanation = PlacementResult['explanations'][number];

function alternativeText(intl: IntlShape, a: Explanation['alternatives'][number], dimension: (d: string) => string): string {
  return intl.formatMessage(
    { id: `placement.by.${a.by}` },
    {
      place: a.place,
      score: formatScore(intl, a.score),
      dimension: a.dimension ? dimension(a.dimension) : '',
      free: a.free ?? 0,
      need: a.need ?? 0,
      priced: formatScore(intl, a.pricedValue ?? NaN),
    },
  );
}

const alternativesText = (intl: IntlShape, e: Explanation | undefined, dimension: (d: string) => string): string =>
  (e?.alternatives ?? []).map((a) => alternativeText(intl, a, dimension)).join('; ');

function Why({ intl, e, dimension }: { intl: IntlShape; e: Explanation | undefined; dimension: (d: string) => string }) {
  if (!e) return null;
  return (
    <>
      {e.tied && <span className="badge">{intl.formatMessage({ id: 'placement.tied' })}</span>}
      {e.alternatives.length > 0 ? (
        <ul className="why">
          {e.alternatives.map((a) => (
            <li key={a.place}>{alternativeText(intl, a, dimension)}</li>
          ))}
        </ul>
      ) : (
        !e.tied && <span className="muted">{intl.formatMessage({ id: 'placement.noAlternative' })}</span>
      )}
      {e.incompatible > 0 && <span className="hint">{intl.formatMessage({ id: 'placement.incompatible' }, { n: e.incompatible })}</span>}
    </>
  );
}

function Certificate({ result, plan }: { result: PlacementResult; plan: Plan }) {
  const intl = useIntl();
  const values = {
    objective: formatScore(intl, result.objective),
    bound: formatScore(intl, result.bound),
    gap: formatGap(intl, result.gap),
  };
  // The sentences speak of the LP bound shown: their gap is the LP's (for a proven optimum, the
  // relaxation's integrality gap, not the proposal's shortfall), the card's the proposal's own.
  const sentence = { ...values, gap: formatGap(intl, lpGapOf(result)) };
  return (
    <section className="panel" aria-labelledby="placement-certificate" data-testid="placement-certificate">
      <h2 id="placement-certificate">
        <FormattedMessage id="placement.proposal" />
      </h2>
      <dl className="cards">
        {(
          [
            ['placement.objective', 'placement-objective', values.objective],
            ['placement.bound', 'placement-bound', values.bound],
            ['placement.gap', 'placement-gap', values.gap],
            ['placement.planObjective', 'placement-plan-objective', formatScore(intl, plan.objective)],
          ] as const
        ).map(([label, testId, value]) => (
          <div className="card" key={testId}>
            <dt>
              <FormattedMessage id={label} />
            </dt>
            <dd className="figure" data-testid={testId}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      <p data-testid="placement-meaning">
        <FormattedMessage id={result.optimal ? 'placement.meaningOptimal' : 'placement.meaning'} values={sentence} />{' '}
        <FormattedMessage
          id={result.certificate.valid ? 'placement.checked' : 'placement.notChecked'}
          values={{ proven: formatScore(intl, result.certificate.provenBound) }}
        />
      </p>
      <p className="hint">
        <FormattedMessage
          id="placement.scoreMeaning"
          values={{
            households: formatCount(intl, result.households.length),
            places: formatCount(intl, result.places.length),
            seconds: intl.formatNumber(result.ms / 1000, { maximumFractionDigits: 1 }),
          }}
        />
      </p>
    </section>
  );
}

/** What the optimisation is worth: the proposal against greedy placement in arrival order and random feasible placements. */
function Worth({ result }: { result: PlacementResult }) {
  const intl = useIntl();
  const worth = useMemo(() => worthOfRun(result), [result]);
  const gain = (g: number) => (Number.isFinite(g) ? formatGap(intl, g) : '–');
  const rows: [string, string, number, string][] = [
    ['placement.worth.proposal', 'placement-worth-proposal', result.objective, '–'],
    ['placement.worth.greedy', 'placement-worth-greedy', worth.greedy, gain(worth.gainOverGreedy)],
    ['placement.worth.random', 'placement-worth-random', worth.random, gain(worth.gainOverRandom)],
  ];
  return (
    <section className="panel" aria-labelledby="placement-worth" data-testid="placement-worth">
      <h2 id="placement-worth">
        <FormattedMessage id="placement.worth.title" />
      </h2>
      <p className="hint">
        <FormattedMessage id="placement.worth.intro" values={{ draws: formatCount(intl, RANDOM_DRAWS) }} />
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">
              <FormattedMessage id="placement.worth.rule" />
            </th>
            <th scope="col">
              <FormattedMessage id="placement.worth.score" />
            </th>
            <th scope="col">
              <FormattedMessage id="placement.worth.gain" />
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, testId, score, g]) => (
            <tr key={testId} data-testid={testId}>
              <th scope="row">
                <FormattedMessage id={label} />
              </th>
              <td className="figure">{formatScore(intl, score)}</td>
              <td className="figure">{g}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Binding({
  result,
  placeName,
  dimension,
}: {
  result: PlacementResult;
  placeName: (c: string) => string;
  dimension: (d: string) => string;
}) {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  type B = PlacementResult['binding'][number];
  const columns: Column<B>[] = [
    { key: 'place', header: t('placement.place'), value: (b) => placeName(b.place) },
    { key: 'dimension', header: t('placement.dimension'), value: (b) => dimension(b.dimension) },
    { key: 'used', header: t('placement.used'), value: (b) => b.used, numeric: true },
    { key: 'capacity', header: t('placement.capacity'), value: (b) => b.capacity, numeric: true },
    { key: 'price', header: t('placement.price'), value: (b) => b.price, render: (b) => formatScore(intl, b.price), numeric: true },
  ];
  return (
    <section className="panel" aria-labelledby="placement-binding">
      <h2 id="placement-binding">{t('placement.binding')}</h2>
      <p className="hint">{t('placement.bindingHint')}</p>
      {result.binding.length === 0 ? (
        <Notice>{t('placement.noBinding')}</Notice>
      ) : (
        <div data-testid="placement-binding">
          <DataTable
            caption={t('placement.binding')}
            captionHidden
            columns={columns}
            rows={result.binding}
            rowKey={(b) => `${b.place}:${b.dimension}`}
          />
        </div>
      )}
    </section>
  );
}

function Unplaced({ result, plan }: { result: PlacementResult; plan: Plan }) {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const rows = result.households.filter((h) => plan.assignment[h.ref] == null).map((h) => ({ ref: h.ref, penalty: h.penalty }));
  return (
    <section className="panel" aria-labelledby="placement-unplaced">
      <h2 id="placement-unplaced">{t('placement.unplaced')}</h2>
      <p className="hint">{t('placement.unplacedHint')}</p>
      {rows.length === 0 ? (
        <Notice>{t('placement.noneUnplaced')}</Notice>
      ) : (
        <div data-testid="placement-unplaced">
          <DataTable
            caption={t('placement.unplaced')}
            captionHidden
            columns={[
              { key: 'ref', header: t('placement.household'), value: (u) => u.ref },
              {
                key: 'penalty',
                header: t('placement.penalty'),
                value: (u) => u.penalty,
                render: (u) => formatScore(intl, u.penalty),
                numeric: true,
              },
            ]}
            rows={rows}
            rowKey={(u) => u.ref}
            totals={{
              label: t('common.total'),
              values: {
                penalty: formatScore(
                  intl,
                  rows.reduce((s, u) => s + u.penalty, 0),
                ),
              },
            }}
          />
        </div>
      )}
    </section>
  );
}

function CapacityChart({ result, plan }: { result: PlacementResult; plan: Plan }) {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const data = personsByPlace(result, plan);
  type P = (typeof data)[number];
  const title = t('placement.chartTitle');
  const usedLabel = t('placement.usedPersons');
  const capacityLabel = t('placement.capacityPersons');
  const option = useMemo(
    (): ChartOption => ({
      grid: { left: 8, right: 24, top: 40, bottom: 24, containLabel: true },
      legend: { top: 0, data: [capacityLabel, usedLabel], textStyle: { color: COLOURS.ink } },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: {
        type: 'value',
        axisLabel: { formatter: (v: number) => formatCount(intl, v), color: COLOURS.ink },
        splitLine: { lineStyle: { color: COLOURS.grid } },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: data.map((p) => `${p.name} (${p.code})`),
        axisLabel: { color: COLOURS.ink },
        axisTick: { show: false },
      },
      series: [
        {
          type: 'bar',
          name: capacityLabel,
          data: data.map((p) => p.capacity),
          barGap: '-100%',
          itemStyle: { color: COLOURS.pledged, borderColor: COLOURS.pledgedEdge, borderWidth: 1 },
        },
        { type: 'bar', name: usedLabel, data: data.map((p) => p.used), barWidth: '40%', itemStyle: { color: COLOURS.arrived } },
      ],
    }),
    [data, intl, usedLabel, capacityLabel],
  );
  const columns: Column<P>[] = [
    { key: 'place', header: t('placement.place'), value: (p) => `${p.name} (${p.code})` },
    { key: 'capacity', header: capacityLabel, value: (p) => p.capacity, numeric: true },
    { key: 'used', header: usedLabel, value: (p) => p.used, numeric: true },
    { key: 'free', header: t('placement.free'), value: (p) => p.capacity - p.used, numeric: true },
  ];
  const totals = data.reduce((s, p) => ({ capacity: s.capacity + p.capacity, used: s.used + p.used }), { capacity: 0, used: 0 });
  const footer = {
    label: t('common.total'),
    values: { capacity: totals.capacity, used: totals.used, free: totals.capacity - totals.used },
  };
  const sheet = () => ({
    name: title,
    header: [t('placement.code'), t('placement.place'), capacityLabel, usedLabel],
    rows: data.map((p) => [p.code, p.name, p.capacity, p.used]),
  });
  const label = t('placement.chartLabel', {
    places: data.length,
    used: formatCount(intl, totals.used),
    capacity: formatCount(intl, totals.capacity),
  });
  return (
    <ChartPanel
      title={title}
      testId="placement-chart"
      filename="placement-capacity"
      empty={data.length === 0}
      chart={<LazyChart option={option} label={label} height={Math.max(180, data.length * 36 + 80)} />}
      table={<DataTable caption={title} captionHidden columns={columns} rows={data} rowKey={(p) => p.code} totals={footer} />}
      sheet={sheet}
      note={<FormattedMessage id="placement.chartNote" />}
    />
  );
}

function CurrentPlacements({ state }: { state: StateCode }) {
  const intl = useIntl();
  const time = useTime();
  const t = (id: string) => intl.formatMessage({ id });
  const placements = usePlacements(state);
  const title = t('placement.placements');
  const columns: Column<Placement>[] = [
    { key: 'case', header: t('placement.household'), value: (p) => p.caseRef },
    { key: 'place', header: t('placement.place'), value: (p) => `${p.placeName} (${p.placeCode})` },
    { key: 'proposed', header: t('placement.proposed'), value: (p) => p.proposedPlaceCode ?? t('placement.notPlaced') },
    {
      key: 'score',
      header: t('placement.score'),
      value: (p) => p.score,
      render: (p) => (p.score === null ? '–' : formatScore(intl, p.score)),
      numeric: true,
    },
    {
      key: 'cost',
      header: t('placement.cost'),
      value: (p) => p.costOfChange,
      render: (p) => (p.costOfChange === null ? '–' : formatScore(intl, p.costOfChange)),
      numeric: true,
    },
    { key: 'reason', header: t('placement.reason'), value: (p) => p.reason },
    { key: 'by', header: t('placement.decidedBy'), value: (p) => p.decidedBy, render: (p) => <Actor id={p.decidedBy} /> },
    { key: 'at', header: t('placement.decidedAt'), value: (p) => p.decidedAt, render: (p) => time(p.decidedAt) },
  ];
  const sheet = () => ({
    name: title,
    header: columns.map((c) => String(c.header)),
    rows: (placements.data ?? []).map((p) => [
      p.caseRef,
      p.placeCode,
      p.proposedPlaceCode,
      p.score,
      p.costOfChange,
      p.reason,
      p.decidedBy,
      p.decidedAt,
    ]),
  });
  return (
    <section className="panel" aria-labelledby="placement-placements">
      <div className="panel-head">
        <h2 id="placement-placements">{title}</h2>
        {placements.data && placements.data.length > 0 && <DownloadButtons sheet={sheet} filename="placements" what={title} />}
      </div>
      {placements.status !== 'success' ? (
        <NotReady query={placements} />
      ) : placements.data.length === 0 ? (
        <Notice>{t('placement.noPlacements')}</Notice>
      ) : (
        <div data-testid="placement-placements">
          <DataTable caption={title} captionHidden columns={columns} rows={placements.data} rowKey={(p) => String(p.id)} />
        </div>
      )}
    </section>
  );
}
