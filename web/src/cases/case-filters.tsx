import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { FormattedMessage } from 'react-intl';
import { choicesOf, DEPARTURE, FILTER_KEYS, SORTS, type FilterKey, type Filters } from './case-options.ts';
import { useLabels, type LabelGroup } from './labels.ts';

const GROUP: Record<Exclude<FilterKey, 'departure' | 'ref'>, LabelGroup> = {
  status: 'status',
  priority: 'priority',
  category: 'category',
  modality: 'modality',
  pathway: 'pathway',
  needs: 'need',
};

/**
 * The filters of the list, applied together with one button (changing a field changes nothing
 * until then, so a keyboard or screen-reader user is not moved under their feet). The form starts
 * from the URL and writes back to it.
 */
export function CaseFilters({ query, onApply }: { query: Filters; onApply: (next: Filters) => void }) {
  const { label, t } = useLabels();
  const base = useId();
  const [departureError, setDepartureError] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  // The form stays mounted (focus stays where it was); when the URL changes otherwise (a saved view,
  // Back), its fields follow.
  const shown = JSON.stringify(query);
  useEffect(() => {
    const fields = form.current?.elements;
    if (!fields) return;
    const current = JSON.parse(shown) as Filters;
    for (const key of [...FILTER_KEYS, 'sort'] as const) {
      const field = fields.namedItem(key);
      if (field instanceof HTMLSelectElement || field instanceof HTMLInputElement)
        field.value = current[key] ?? (key === 'sort' ? SORTS[0] : '');
    }
  }, [shown]);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const next: Filters = {};
    for (const key of [...FILTER_KEYS, 'sort'] as const) {
      const v = String(form.get(key) ?? '').trim();
      // The default order is left out of the URL: the same view, the same link.
      if (v && !(key === 'sort' && v === SORTS[0])) next[key] = key === 'departure' ? v.toUpperCase() : v;
    }
    if (next.departure && !DEPARTURE.test(next.departure)) {
      setDepartureError(true);
      document.getElementById(`${base}-departure`)?.focus();
      return;
    }
    setDepartureError(false);
    onApply(next);
  };

  const select = (key: Exclude<FilterKey, 'departure' | 'ref'>, caption: string) => (
    <div className="field" key={key}>
      <label htmlFor={`${base}-${key}`}>{caption}</label>
      <select id={`${base}-${key}`} name={key} defaultValue={query[key] ?? ''}>
        <option value="">{t('cases.filter.any')}</option>
        {choicesOf(key).map((v) => (
          <option key={v} value={v}>
            {label(GROUP[key], v)}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <search aria-label={t('cases.filter.label')}>
      <form ref={form} className="filters" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${base}-ref`}>
            <FormattedMessage id="cases.filter.ref" />
          </label>
          <input id={`${base}-ref`} name="ref" type="search" defaultValue={query.ref ?? ''} size={14} maxLength={64} autoComplete="off" />
        </div>
        {select('status', t('cases.filter.status'))}
        {select('priority', t('cases.filter.priority'))}
        {select('category', t('cases.filter.category'))}
        <div className="field">
          <label htmlFor={`${base}-departure`}>
            <FormattedMessage id="cases.filter.departure" />
          </label>
          <span id={`${base}-departure-hint`} className={departureError ? 'field-error' : 'hint'}>
            <FormattedMessage id={departureError ? 'cases.filter.departureInvalid' : 'cases.filter.departureHint'} />
          </span>
          <input
            id={`${base}-departure`}
            name="departure"
            defaultValue={query.departure ?? ''}
            size={6}
            maxLength={3}
            autoComplete="off"
            aria-describedby={`${base}-departure-hint`}
            aria-invalid={departureError || undefined}
          />
        </div>
        {select('modality', t('cases.filter.modality'))}
        {select('pathway', t('cases.filter.pathway'))}
        {select('needs', t('cases.filter.needs'))}
        <div className="field">
          <label htmlFor={`${base}-sort`}>
            <FormattedMessage id="cases.filter.sort" />
          </label>
          <select id={`${base}-sort`} name="sort" defaultValue={query.sort ?? 'case_ref'}>
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {label('sort', s)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-buttons">
          <button type="submit">
            <FormattedMessage id="cases.filter.apply" />
          </button>
          <button type="button" className="button-secondary" onClick={() => onApply({})}>
            <FormattedMessage id="cases.filter.clear" />
          </button>
        </div>
      </form>
    </search>
  );
}
