import { Suspense, useState, type ReactNode } from 'react';
import { FormattedMessage } from 'react-intl';
import { DownloadButtons } from '../ui/download-buttons.tsx';
import type { Sheet } from '../ui/download.ts';
import { Loading } from '../ui/status.tsx';
import './charts.css';

/**
 * A chart in a panel: its heading, a "Show as table" toggle (the table holds the same figures and is
 * the full alternative to the picture), CSV and XLSX downloads of those figures, and a note under
 * it. The chart loads lazily; the table needs nothing more.
 */
export function ChartPanel(props: {
  title: string;
  chart: ReactNode;
  table: ReactNode;
  sheet: () => Sheet;
  filename: string;
  note?: ReactNode;
  testId?: string;
  /** Nothing to draw (a round without pledges or arrivals yet): said in words, not as an empty frame. */
  empty?: boolean;
}) {
  const [asTable, setAsTable] = useState(false);
  return (
    <section className="panel chart-panel" data-testid={props.testId}>
      <div className="panel-head">
        <h2>{props.title}</h2>
        <div className="panel-tools">
          <button type="button" className="button-secondary" onClick={() => setAsTable((t) => !t)}>
            <FormattedMessage id={asTable ? 'common.showChart' : 'common.showTable'} />
            <span className="visually-hidden">: {props.title}</span>
          </button>
          <DownloadButtons sheet={props.sheet} filename={props.filename} what={props.title} />
        </div>
      </div>
      {asTable ? (
        props.table
      ) : props.empty ? (
        <p className="chart-empty">
          <FormattedMessage id="charts.empty" />
        </p>
      ) : (
        <Suspense fallback={<Loading />}>{props.chart}</Suspense>
      )}
      {props.note && <div className="hint">{props.note}</div>}
    </section>
  );
}
