import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { Shipped, shippedKeys } from '../i18n/shipped.tsx';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { api, ApiError } from '../api/client.ts';
import { Field, fieldErrorsOf, type FieldErrors } from '../ui/field.tsx';
import { useRowKeys } from '../ui/keys.ts';
import { PATHWAYS, QUALIFIERS, type Pathway, type Round } from './round.ts';
import {
  checkRoundDraft,
  emptyIncentive,
  emptyPriority,
  emptyRoundDraft,
  emptySource,
  placeServerErrors,
  toRoundFile,
  type IncentiveDraft,
  type PriorityDraft,
  type RoundDraft,
  type SourceDraft,
} from './round-draft.ts';

const fid = (path: string) => `round-f-${path}`;

/**
 * The Commission opens a round: its period, target, budget, pathways, participants, sources, priorities
 * and incentives (the lump sums per person), each labelled. What the page can check is checked first;
 * the server's reasons are then shown beside the fields they are about, the rest above the form.
 * Once opened, the round's page is shown.
 */
export function OpenRoundForm({ rounds }: { rounds: Round[] }) {
  const intl = useIntl();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<RoundDraft>(emptyRoundDraft);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);

  const set = <K extends keyof RoundDraft>(key: K, value: RoundDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const err = (path: string) => errors[path];

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const local = checkRoundDraft(draft);
    if (Object.keys(local).length > 0) {
      setErrors(Object.fromEntries(Object.entries(local).map(([k, p]) => [k, [t(`rounds.form.problem.${p}`)]])));
      setGeneral([]);
      summary.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const body = toRoundFile(draft);
      await api.POST('/api/rounds', { body, params: { header: { 'Idempotency-Key': crypto.randomUUID() } } });
      // Every list of rounds (this area's and the other pages') is read again.
      await queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      await navigate({ to: '/rounds/$round', params: { round: body.id } });
    } catch (x) {
      if (x instanceof ApiError) {
        const details = {
          ...fieldErrorsOf(x.details),
          ...(Array.isArray(x.details.problems) ? { problems: x.details.problems as string[] } : {}),
        };
        const placed = placeServerErrors(details, draft);
        if (x.code === 'conflict') placed.fields.id = [...(placed.fields.id ?? []), x.message];
        setErrors(placed.fields);
        // The server's own summary repeats what is shown beside the fields: it is kept only when nothing could be placed.
        setGeneral(Object.keys(placed.fields).length > 0 ? placed.general : [x.message, ...placed.general]);
      } else {
        setErrors({});
        setGeneral([String(x)]);
      }
      summary.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const problemCount = Object.values(errors).reduce((n, r) => n + r.length, 0);
  const text = (
    path: string,
    label: ReactNode,
    value: string,
    onChange: (v: string) => void,
    opts: { type?: string; hint?: ReactNode; required?: boolean; className?: string; inputMode?: 'numeric' | 'decimal' } = {},
  ) => (
    <Field
      id={fid(path)}
      label={label}
      hint={opts.hint}
      errors={err(path)}
      className={opts.className}
      control={(p) => (
        <input
          {...p}
          type={opts.type ?? 'text'}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          required={opts.required}
          inputMode={opts.inputMode}
        />
      )}
    />
  );
  const qualifier = (path: string, value: string, onChange: (v: RoundDraft['targetQualifier']) => void) => (
    <Field
      id={fid(path)}
      label={<FormattedMessage id="rounds.form.qualifier" />}
      errors={err(path)}
      control={(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value as RoundDraft['targetQualifier'])}>
          {QUALIFIERS.map((q) => (
            <option key={q} value={q}>
              {t(`rounds.qualifier.${q}`)}
            </option>
          ))}
        </select>
      )}
    />
  );
  const sourceSelect = (path: string, value: string, onChange: (v: string) => void) => (
    <Field
      id={fid(path)}
      label={<FormattedMessage id="rounds.form.source" />}
      errors={err(path)}
      control={(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('rounds.form.noSource')}</option>
          {draft.sources
            .filter((s) => s.id.trim())
            .map((s) => (
              <option key={s.id} value={s.id.trim()}>
                {s.id.trim()}
              </option>
            ))}
        </select>
      )}
    />
  );

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-labelledby="open-round-title">
      <div ref={summary} tabIndex={-1}>
        {(general.length > 0 || problemCount > 0) && (
          <div className="notice notice-error" role="alert">
            <p>
              <FormattedMessage
                id="rounds.form.notOpened"
                values={{ problems: t('common.problems', { count: Math.max(problemCount, general.length > 0 ? 1 : 0) }) }}
              />
            </p>
            {general.length > 0 && (
              <ul>
                {general.map((g) => (
                  <li key={g}>{g}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>

      <fieldset className="form-group">
        <legend>
          <FormattedMessage id="rounds.form.basics" />
        </legend>
        <div className="form-row">
          {text('id', <FormattedMessage id="rounds.form.id" />, draft.id, (v) => set('id', v), {
            required: true,
            hint: <FormattedMessage id="rounds.form.idHint" />,
          })}
          {text('title', <FormattedMessage id="rounds.form.title" />, draft.title, (v) => set('title', v), {
            required: true,
            className: 'wide',
          })}
        </div>
        {text('legal_basis', <FormattedMessage id="rounds.form.legalBasis" />, draft.legalBasis, (v) => set('legalBasis', v), {
          required: true,
        })}
        <div className="form-row">
          {text('start', <FormattedMessage id="rounds.form.start" />, draft.start, (v) => set('start', v), {
            type: 'date',
            required: true,
          })}
          {text('end', <FormattedMessage id="rounds.form.end" />, draft.end, (v) => set('end', v), { type: 'date', required: true })}
          <Field
            id={fid('previous')}
            label={<FormattedMessage id="rounds.form.previous" />}
            errors={err('previous')}
            control={(p) => (
              <select {...p} value={draft.previous} onChange={(e) => set('previous', e.target.value)}>
                <option value="">{t('common.none')}</option>
                {rounds.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.id} — <Shipped k={shippedKeys.roundTitle(r.id)} stored={r.title} />
                  </option>
                ))}
              </select>
            )}
          />
        </div>
      </fieldset>

      <fieldset className="form-group">
        <legend>
          <FormattedMessage id="rounds.form.targetAndBudget" />
        </legend>
        <div className="form-row">
          {text('target.value', <FormattedMessage id="rounds.form.target" />, draft.targetValue, (v) => set('targetValue', v), {
            inputMode: 'numeric',
            hint: <FormattedMessage id="rounds.form.targetHint" />,
          })}
          {qualifier('target.qualifier', draft.targetQualifier, (v) => set('targetQualifier', v))}
          {sourceSelect('target.source', draft.targetSource, (v) => set('targetSource', v))}
          {text('target.locator', <FormattedMessage id="rounds.form.locator" />, draft.targetLocator, (v) => set('targetLocator', v), {
            hint: <FormattedMessage id="rounds.form.locatorHint" />,
          })}
        </div>
        <div className="form-row">
          {text('budget.value', <FormattedMessage id="rounds.form.budget" />, draft.budgetValue, (v) => set('budgetValue', v), {
            inputMode: 'decimal',
          })}
          {text('budget.currency', <FormattedMessage id="rounds.form.currency" />, draft.budgetCurrency, (v) => set('budgetCurrency', v))}
          {qualifier('budget.qualifier', draft.budgetQualifier, (v) => set('budgetQualifier', v))}
          {sourceSelect('budget.source', draft.budgetSource, (v) => set('budgetSource', v))}
          {text('budget.locator', <FormattedMessage id="rounds.form.locator" />, draft.budgetLocator, (v) => set('budgetLocator', v))}
        </div>
      </fieldset>

      <fieldset className="form-group" aria-describedby={err('pathways') ? `${fid('pathways')}-error` : undefined}>
        <legend>
          <FormattedMessage id="rounds.form.pathways" />
        </legend>
        <div className="checks">
          {PATHWAYS.map((p) => (
            <label key={p} className="check">
              <input
                type="checkbox"
                checked={draft.pathways.includes(p)}
                onChange={(e) =>
                  set(
                    'pathways',
                    e.target.checked
                      ? PATHWAYS.filter((x) => x === p || draft.pathways.includes(x))
                      : draft.pathways.filter((x) => x !== p),
                  )
                }
              />{' '}
              {t(`rounds.pathway.${p}`)}
            </label>
          ))}
        </div>
        {err('pathways') && (
          <p className="field-error" id={`${fid('pathways')}-error`}>
            {err('pathways')!.join(' ')}
          </p>
        )}
        {text('participants', <FormattedMessage id="rounds.form.participants" />, draft.participants, (v) => set('participants', v), {
          hint: <FormattedMessage id="rounds.form.participantsHint" />,
        })}
      </fieldset>

      <Repeated
        legend={<FormattedMessage id="rounds.form.sources" />}
        items={draft.sources}
        onChange={(v) => set('sources', v)}
        make={emptySource}
        addLabel={t('rounds.form.addSource')}
        itemLabel={(i) => t('rounds.form.sourceN', { n: i + 1 })}
        render={(s: SourceDraft, i, change) => (
          <div className="form-row">
            {text(`sources.${i}.id`, <FormattedMessage id="rounds.form.sourceId" />, s.id, (v) => change({ ...s, id: v }), {
              required: true,
            })}
            {text(
              `sources.${i}.citation`,
              <FormattedMessage id="rounds.form.citation" />,
              s.citation,
              (v) => change({ ...s, citation: v }),
              { required: true, className: 'wide' },
            )}
            {text(`sources.${i}.url`, <FormattedMessage id="rounds.form.url" />, s.url, (v) => change({ ...s, url: v }), { type: 'url' })}
          </div>
        )}
      />

      <Repeated
        legend={<FormattedMessage id="rounds.form.priorities" />}
        items={draft.priorities}
        onChange={(v) => set('priorities', v)}
        make={emptyPriority}
        addLabel={t('rounds.form.addPriority')}
        itemLabel={(i) => t('rounds.form.priorityN', { n: i + 1 })}
        render={(p: PriorityDraft, i, change) => (
          <>
            <div className="form-row">
              {text(`priorities.${i}.id`, <FormattedMessage id="rounds.form.itemId" />, p.id, (v) => change({ ...p, id: v }), {
                required: true,
              })}
              {text(
                `priorities.${i}.label.en`,
                <FormattedMessage id="rounds.form.labelEn" />,
                p.labelEn,
                (v) => change({ ...p, labelEn: v }),
                { required: true, className: 'wide' },
              )}
              {text(
                `priorities.${i}.label.nl`,
                <FormattedMessage id="rounds.form.labelNl" />,
                p.labelNl,
                (v) => change({ ...p, labelNl: v }),
                { className: 'wide' },
              )}
            </div>
            <div className="form-row">
              {text(
                `priorities.${i}.countries`,
                <FormattedMessage id="rounds.form.countries" />,
                p.countries,
                (v) => change({ ...p, countries: v }),
                { hint: <FormattedMessage id="rounds.form.countriesHint" /> },
              )}
              {sourceSelect(`priorities.${i}.source`, p.source, (v) => change({ ...p, source: v }))}
              {text(`priorities.${i}.locator`, <FormattedMessage id="rounds.form.locator" />, p.locator, (v) =>
                change({ ...p, locator: v }),
              )}
            </div>
          </>
        )}
      />

      <Repeated
        legend={<FormattedMessage id="rounds.form.incentives" />}
        items={draft.incentives}
        onChange={(v) => set('incentives', v)}
        make={emptyIncentive}
        addLabel={t('rounds.form.addIncentive')}
        itemLabel={(i) => t('rounds.form.incentiveN', { n: i + 1 })}
        render={(x: IncentiveDraft, i, change) => (
          <>
            <div className="form-row">
              {text(`incentives.${i}.id`, <FormattedMessage id="rounds.form.itemId" />, x.id, (v) => change({ ...x, id: v }), {
                required: true,
              })}
              {text(
                `incentives.${i}.label.en`,
                <FormattedMessage id="rounds.form.labelEn" />,
                x.labelEn,
                (v) => change({ ...x, labelEn: v }),
                { required: true, className: 'wide' },
              )}
              {text(
                `incentives.${i}.label.nl`,
                <FormattedMessage id="rounds.form.labelNl" />,
                x.labelNl,
                (v) => change({ ...x, labelNl: v }),
                { className: 'wide' },
              )}
            </div>
            <div className="form-row">
              {text(`incentives.${i}.amount`, <FormattedMessage id="rounds.form.amount" />, x.amount, (v) => change({ ...x, amount: v }), {
                required: true,
                inputMode: 'decimal',
              })}
              {text(`incentives.${i}.currency`, <FormattedMessage id="rounds.form.currency" />, x.currency, (v) =>
                change({ ...x, currency: v }),
              )}
              <Field
                id={fid(`incentives.${i}.pathway`)}
                label={<FormattedMessage id="rounds.form.incentivePathway" />}
                errors={err(`incentives.${i}.pathway`)}
                control={(p) => (
                  <select {...p} value={x.pathway} onChange={(e) => change({ ...x, pathway: e.target.value as Pathway | '' })}>
                    <option value="">{t('rounds.form.anyPathway')}</option>
                    {PATHWAYS.map((w) => (
                      <option key={w} value={w}>
                        {t(`rounds.pathway.${w}`)}
                      </option>
                    ))}
                  </select>
                )}
              />
              {sourceSelect(`incentives.${i}.source`, x.source, (v) => change({ ...x, source: v }))}
              {text(`incentives.${i}.locator`, <FormattedMessage id="rounds.form.locator" />, x.locator, (v) =>
                change({ ...x, locator: v }),
              )}
            </div>
          </>
        )}
      />

      <p>
        <button type="submit" disabled={busy}>
          <FormattedMessage id="rounds.form.submit" />
        </button>
      </p>
    </form>
  );
}

/** A list of like items (sources, priorities, incentives), each a group that can be removed, and a button to add one. */
function Repeated<T>(props: {
  legend: ReactNode;
  items: T[];
  onChange: (items: T[]) => void;
  make: () => T;
  addLabel: string;
  itemLabel: (i: number) => string;
  render: (item: T, i: number, change: (item: T) => void) => ReactNode;
}) {
  const intl = useIntl();
  const { items, onChange } = props;
  const rows = useRowKeys(items.length);
  return (
    <fieldset className="form-group">
      <legend>{props.legend}</legend>
      {items.map((item, i) => (
        <fieldset key={rows.keys[i]} className="form-item">
          <legend>{props.itemLabel(i)}</legend>
          {props.render(item, i, (next) => onChange(items.map((x, j) => (j === i ? next : x))))}
          <button
            type="button"
            className="button-link"
            onClick={() => {
              rows.removed(i);
              onChange(items.filter((_, j) => j !== i));
            }}
          >
            {intl.formatMessage({ id: 'rounds.form.remove' }, { what: props.itemLabel(i) })}
          </button>
        </fieldset>
      ))}
      <p>
        <button type="button" className="button-secondary" onClick={() => onChange([...items, props.make()])}>
          {props.addLabel}
        </button>
      </p>
    </fieldset>
  );
}
