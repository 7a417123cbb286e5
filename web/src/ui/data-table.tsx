import { useId, useMemo, useState, type ReactNode } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import type { Cell } from './download.ts';

export interface Column<R> {
  key: string;
  header: ReactNode;
  /** The value (sorting, downloads); `render` shows it otherwise when given. */
  value: (row: R) => Cell;
  render?: (row: R) => ReactNode;
  numeric?: boolean;
  /** Not sortable (e.g. actions). */
  fixed?: boolean;
}

/**
 * The totals row of a table, keyed by column: each total sits under the column of its key whatever
 * the columns' order or number (a column without a total is left empty); the first column carries
 * the label. Numbers are formatted in the page's language and aligned as their column.
 */
export interface Totals {
  label: ReactNode;
  values: Partial<Record<string, Cell | ReactNode>>;
}

/** The sizes of a page of rows; a table of no more rows than the smallest is not paged. */
export const PAGE_SIZES = [100, 250, 500] as const;

/**
 * A table of figures: a caption (its accessible name), headers with scope, numbers aligned on the
 * end side and formatted in the page's language, sortable by any column with the state announced
 * (aria-sort; text in natural order, Intl.Collator numeric: H147 before H1459), an optional footer
 * row of totals computed by the caller, keyed by column. Beyond 100 rows it is paged (a page size
 * chosen, "Rows 1–100 of 1,361", previous and next); the totals stay those of all rows.
 */
export function DataTable<R>(props: {
  caption: ReactNode;
  columns: Column<R>[];
  rows: R[];
  rowKey: (row: R) => string;
  totals?: Totals;
  initialSort?: { key: string; descending?: boolean };
  captionHidden?: boolean;
  /** Not paged here (a list the server pages). */
  unpaged?: boolean;
}) {
  const intl = useIntl();
  const [sort, setSort] = useState(props.initialSort ?? null);
  const sorted = useMemo(() => {
    if (!sort) return props.rows;
    const col = props.columns.find((c) => c.key === sort.key);
    if (!col) return props.rows;
    const collator = new Intl.Collator(intl.locale, { numeric: true });
    const out = [...props.rows].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
      return sort.descending ? -c : c;
    });
    return out;
  }, [props.rows, props.columns, sort, intl.locale]);

  const pagerId = useId();
  const [pageSize, setPageSize] = useState<number>(PAGE_SIZES[0]);
  const [pageIndex, setPageIndex] = useState(0);
  const total = sorted.length;
  const paged = !props.unpaged && total > PAGE_SIZES[0];
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(pageIndex, pages - 1);
  const visible = paged ? sorted.slice(page * pageSize, (page + 1) * pageSize) : sorted;
  const first = total === 0 ? 0 : page * pageSize + 1;
  const last = Math.min(total, (page + 1) * pageSize);

  const show = (c: Column<R>, r: R): ReactNode => {
    if (c.render) return c.render(r);
    const v = c.value(r);
    if (v === null) return '—';
    return typeof v === 'number' ? intl.formatNumber(v) : v;
  };

  const table = (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than the page scrolls sideways, and a keyboard user can only scroll what can take the focus (WCAG 2.1.1; axe's scrollable-region-focusable)
    <section className="table-scroll" tabIndex={0} aria-label={typeof props.caption === 'string' ? props.caption : undefined}>
      <table className="data-table">
        <caption className={props.captionHidden ? 'visually-hidden' : undefined}>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => {
              const active = sort?.key === c.key;
              return (
                <th
                  key={c.key}
                  scope="col"
                  className={c.numeric ? 'num' : undefined}
                  aria-sort={active ? (sort!.descending ? 'descending' : 'ascending') : undefined}
                >
                  {c.fixed ? (
                    c.header
                  ) : (
                    <button
                      type="button"
                      className="sort"
                      onClick={() => {
                        setSort({ key: c.key, descending: active ? !sort!.descending : false });
                        setPageIndex(0);
                      }}
                    >
                      {c.header}
                      <span aria-hidden="true" className="sort-mark">
                        {active ? (sort!.descending ? ' ▼' : ' ▲') : ' ↕'}
                      </span>
                    </button>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {visible.map((r) => (
            <tr key={props.rowKey(r)}>
              {props.columns.map((c, i) =>
                i === 0 ? (
                  <th key={c.key} scope="row" className={c.numeric ? 'num' : undefined}>
                    {show(c, r)}
                  </th>
                ) : (
                  <td key={c.key} className={c.numeric ? 'num' : undefined}>
                    {show(c, r)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
        {props.totals && (
          <tfoot>
            <tr>
              {props.columns.map((c, i) => {
                if (i === 0)
                  return (
                    <th key={c.key} scope="row">
                      {props.totals!.label}
                    </th>
                  );
                const v = props.totals!.values[c.key];
                return (
                  <td key={c.key} className={c.numeric ? 'num' : undefined}>
                    {v === null || v === undefined ? '' : typeof v === 'number' ? intl.formatNumber(v) : v}
                  </td>
                );
              })}
            </tr>
          </tfoot>
        )}
      </table>
    </section>
  );
  if (!paged) return table;
  return (
    <div className="paged-table">
      {table}
      <fieldset className="table-pager" aria-label={intl.formatMessage({ id: 'common.table.pager' })}>
        <p className="table-range" aria-live="polite">
          <FormattedMessage
            id="common.table.range"
            values={{ first: intl.formatNumber(first), last: intl.formatNumber(last), total: intl.formatNumber(total) }}
          />
        </p>
        <button type="button" className="button-secondary" onClick={() => setPageIndex(page - 1)} disabled={page === 0}>
          <FormattedMessage id="common.table.previous" />
        </button>
        <button type="button" className="button-secondary" onClick={() => setPageIndex(page + 1)} disabled={page >= pages - 1}>
          <FormattedMessage id="common.table.next" />
        </button>
        <label htmlFor={`${pagerId}-size`}>
          <FormattedMessage id="common.table.pageSize" />
        </label>
        <select
          id={`${pagerId}-size`}
          value={pageSize}
          onChange={(e) => {
            setPageSize(Number(e.target.value));
            setPageIndex(0);
          }}
        >
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {intl.formatNumber(n)}
            </option>
          ))}
        </select>
      </fieldset>
    </div>
  );
}
