import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { api, ApiError } from '../api/client.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { ErrorNotice, Notice } from '../ui/status.tsx';
import { Field, fieldErrorsOf, type FieldErrors } from '../ui/field.tsx';
import { formatDay } from '../ui/format.ts';
import { pledgeKey, roundStatus, today, type Pathway, type Pledge, type Round, type StateCode } from './round.ts';
import { useStatePledges } from './round.queries.ts';
import { ANNEX_2020_CARRY_OVER_NOTE } from '../../../src/pledges/annex-2020.data.ts';
import { shippedKeys, useShipped } from '../i18n/shipped.tsx';

interface PledgeDraft {
  pathway: Pathway;
  carryOver: boolean;
  country: string;
  targetGroup: string;
  places: string;
  note: string;
}

const draftOf = (p: Pledge): PledgeDraft => ({
  pathway: p.pathway,
  carryOver: p.carryOver,
  country: p.countryOfDeparture ?? '',
  targetGroup: p.targetGroup ?? '',
  places: String(p.places),
  note: p.note,
});

const fid = (f: string) => `pledge-f-${f}`;

/** The API names a pledge's fields `pledges.0.<field>`; the form's inputs are named by the field. */
const FIELD_OF: Record<string, string> = {
  countryOfDeparture: 'country',
  targetGroup: 'targetGroup',
  places: 'places',
  pathway: 'pathway',
  note: 'note',
  carryOver: 'carryOver',
};

/**
 * A Member State's officer enters or changes its state's pledge in a round: the pledge is the
 * pathway, carry-over, country and target group; its places are set (added, or changed where the
 * pledge exists). The change is sent with the version of the pledges as read (If-Match), so a
 * colleague's change meanwhile is not overwritten: the page says so and reads them again.
 */
export function PledgeEditor({ round, state }: { round: Round; state: StateCode }) {
  const intl = useIntl();
  const shipped = useShipped();
  const queryClient = useQueryClient();
  const current = useStatePledges(round.id, state);
  const blank: PledgeDraft = {
    pathway: round.pathways[0] ?? 'resettlement',
    carryOver: false,
    country: '',
    targetGroup: '',
    places: '',
    note: '',
  };
  const [draft, setDraft] = useState<PledgeDraft>(blank);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [saved, setSaved] = useState<{ added: number; updated: number; unchanged: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  // An ended round's pledges are what it delivered against: shown, not changed (the API refuses too).
  const ended = roundStatus(round, today()) === 'closed';

  const existing = current.data?.pledges.find(
    (p) =>
      pledgeKey(p) ===
      pledgeKey({
        pathway: draft.pathway,
        carryOver: draft.carryOver,
        countryOfDeparture: draft.country.trim() || null,
        targetGroup: draft.targetGroup.trim() || null,
      }),
  );

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    setFailure(null);
    const places = draft.places.trim();
    if (!/^\d+$/.test(places)) {
      setErrors({ places: [t(places ? 'rounds.pledge.placesNumber' : 'rounds.form.problem.required')] });
      document.getElementById(fid('places'))?.focus();
      return;
    }
    if (!current.data) return;
    setBusy(true);
    try {
      const { data } = await api.POST('/api/rounds/{round}/pledges/{state}', {
        params: { path: { round: round.id, state }, header: { 'Idempotency-Key': crypto.randomUUID(), 'If-Match': current.data.etag } },
        body: {
          pledges: [
            {
              pathway: draft.pathway,
              places: Number(places),
              carryOver: draft.carryOver,
              countryOfDeparture: draft.country.trim() || null,
              targetGroup: draft.targetGroup.trim() || null,
              note: draft.note,
            },
          ],
        },
      });
      setErrors({});
      setSaved(data!);
      // Everything read about this round (its pledges, totals, history, figures) is read again.
      await queryClient.invalidateQueries({ predicate: (q) => q.queryKey.includes(round.id) });
    } catch (x) {
      if (x instanceof ApiError && x.status === 400) {
        const placed: FieldErrors = {};
        const rest: string[] = [];
        for (const [k, reasons] of Object.entries(fieldErrorsOf(x.details))) {
          const field = FIELD_OF[k.replace(/^pledges\.\d+\.?/, '')];
          if (field) placed[field] = [...(placed[field] ?? []), ...reasons];
          else rest.push(...reasons);
        }
        setErrors(placed);
        setFailure(new Error([x.message, ...rest].join(' ')));
      } else {
        setErrors({});
        setFailure(x);
        // Someone changed the pledges meanwhile: read them again, so the next try is on the current version.
        if (x instanceof ApiError && x.status === 412) await current.refetch();
      }
    } finally {
      setBusy(false);
    }
  };

  const set = <K extends keyof PledgeDraft>(k: K, v: PledgeDraft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const pathwayLabel = (p: string) => t(`rounds.pathway.${p}`);
  const describe = (p: Pledge) =>
    [pathwayLabel(p.pathway), p.countryOfDeparture, p.targetGroup, p.carryOver ? t('rounds.pledge.carryOverShort') : null]
      .filter(Boolean)
      .join(', ');

  const columns: Column<Pledge>[] = [
    { key: 'pledge', header: <FormattedMessage id="rounds.pledge.pledge" />, value: describe },
    { key: 'places', header: <FormattedMessage id="rounds.pledge.places" />, value: (p) => p.places, numeric: true },
    {
      key: 'note',
      header: <FormattedMessage id="rounds.pledge.note" />,
      // The Annex's carry-over note is the document's own (Dutch) words: marked, with the page's language around them.
      value: (p) => (p.note === ANNEX_2020_CARRY_OVER_NOTE ? shipped.text(shippedKeys.annexCarryOver, p.note) : p.note || null),
      render: (p) => (p.note === ANNEX_2020_CARRY_OVER_NOTE ? shipped.node(shippedKeys.annexCarryOver, p.note) : p.note),
    },
    {
      key: 'change',
      header: <FormattedMessage id="rounds.pledge.actions" />,
      value: () => null,
      fixed: true,
      render: (p) => (
        <button
          type="button"
          className="button-link"
          aria-label={`${t('rounds.pledge.change')}: ${describe(p)}`}
          onClick={() => {
            setDraft(draftOf(p));
            setErrors({});
            setSaved(null);
            document.getElementById(fid('places'))?.focus();
          }}
        >
          <FormattedMessage id="rounds.pledge.change" />
        </button>
      ),
    },
  ];

  return (
    <section className="panel" aria-labelledby="own-pledges-title">
      <h2 id="own-pledges-title">
        <FormattedMessage id="rounds.pledge.heading" values={{ state }} />
      </h2>
      {current.isError && <ErrorNotice error={current.error} />}
      {current.data && current.data.pledges.length === 0 && (
        <p>
          <FormattedMessage id="rounds.pledge.none" />
        </p>
      )}
      {current.data && current.data.pledges.length > 0 && (
        <DataTable
          caption={t('rounds.pledge.caption', { state })}
          columns={ended ? columns.filter((c) => c.key !== 'change') : columns}
          rows={current.data.pledges}
          rowKey={pledgeKey}
        />
      )}
      {ended ? (
        <p className="notice" data-testid="pledges-closed">
          <FormattedMessage id="rounds.pledge.ended" values={{ end: formatDay(intl, round.end) }} />
        </p>
      ) : (
        <>
          <h3>
            <FormattedMessage id="rounds.pledge.formHeading" />
          </h3>
          <form className="form" onSubmit={onSubmit} noValidate>
            <div className="form-row">
              <Field
                id={fid('pathway')}
                label={<FormattedMessage id="rounds.pledge.pathway" />}
                errors={errors.pathway}
                control={(p) => (
                  <select {...p} value={draft.pathway} onChange={(e) => set('pathway', e.target.value as Pathway)}>
                    {round.pathways.map((w) => (
                      <option key={w} value={w}>
                        {pathwayLabel(w)}
                      </option>
                    ))}
                  </select>
                )}
              />
              <Field
                id={fid('country')}
                label={<FormattedMessage id="rounds.pledge.country" />}
                hint={<FormattedMessage id="rounds.pledge.countryHint" />}
                errors={errors.country}
                control={(p) => <input {...p} value={draft.country} onChange={(e) => set('country', e.target.value)} />}
              />
              <Field
                id={fid('targetGroup')}
                label={<FormattedMessage id="rounds.pledge.targetGroup" />}
                hint={<FormattedMessage id="rounds.pledge.optional" />}
                errors={errors.targetGroup}
                control={(p) => <input {...p} value={draft.targetGroup} onChange={(e) => set('targetGroup', e.target.value)} />}
              />
            </div>
            <label className="check">
              <input type="checkbox" checked={draft.carryOver} onChange={(e) => set('carryOver', e.target.checked)} />{' '}
              <FormattedMessage id="rounds.pledge.carryOver" />
            </label>
            <div className="form-row">
              <Field
                id={fid('places')}
                label={<FormattedMessage id="rounds.pledge.places" />}
                hint={
                  existing ? (
                    <FormattedMessage id="rounds.pledge.existing" values={{ places: intl.formatNumber(existing.places) }} />
                  ) : (
                    <FormattedMessage id="rounds.pledge.new" />
                  )
                }
                errors={errors.places}
                control={(p) => (
                  <input
                    {...p}
                    inputMode="numeric"
                    autoComplete="off"
                    value={draft.places}
                    onChange={(e) => set('places', e.target.value)}
                    required
                  />
                )}
              />
              <Field
                id={fid('note')}
                className="wide"
                label={<FormattedMessage id="rounds.pledge.note" />}
                hint={<FormattedMessage id="rounds.pledge.optional" />}
                errors={errors.note}
                control={(p) => <input {...p} value={draft.note} onChange={(e) => set('note', e.target.value)} />}
              />
            </div>
            {failure !== null && <ErrorNotice error={failure} />}
            {saved && (
              <Notice kind="success">
                <p>
                  <FormattedMessage id="rounds.pledge.saved" values={saved} />
                </p>
              </Notice>
            )}
            <p>
              <button type="submit" disabled={busy || !current.data}>
                <FormattedMessage id="rounds.pledge.save" />
              </button>
            </p>
          </form>
        </>
      )}
    </section>
  );
}
