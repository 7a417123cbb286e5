import { FormattedMessage } from 'react-intl';
import { downloadCsv, downloadXlsx, type Sheet } from './download.ts';
import { apiLanguage } from '../i18n/locales.ts';

/**
 * CSV and XLSX downloads of a table (the `what` names it for screen readers: "Download CSV: Pledged
 * and arrived"); with `exchange`, also the report in HXL-tagged CSV and SDMX-CSV 2.0, as the server
 * exports it (`/api/exports/…`, or the open data's own files): links, so the browser saves the file
 * the server names.
 */
export function DownloadButtons({
  sheet,
  filename,
  what,
  exchange,
}: {
  sheet: () => Sheet;
  filename: string;
  what: string;
  exchange?: (format: 'hxl' | 'sdmx') => string;
}) {
  return (
    <div className="downloads">
      <button type="button" className="button-secondary" onClick={() => downloadCsv(sheet(), filename)}>
        <FormattedMessage id="common.downloadCsv" />
        <span className="visually-hidden">: {what}</span>
      </button>
      <button type="button" className="button-secondary" onClick={() => downloadXlsx(sheet(), filename)}>
        <FormattedMessage id="common.downloadXlsx" />
        <span className="visually-hidden">: {what}</span>
      </button>
      {exchange &&
        (['hxl', 'sdmx'] as const).map((f) => (
          <a key={f} className="button-secondary" href={exchange(f)} download>
            <FormattedMessage id={f === 'hxl' ? 'exports.downloadHxl' : 'exports.downloadSdmx'} />
            <span className="visually-hidden">: {what}</span>
          </a>
        ))}
    </div>
  );
}

/** The export endpoint of a report (`/api/exports/{report}`), its parameters in the address; headers in the page's language where the server speaks it (English otherwise). */
export const exportLink =
  (report: 'state-of-play' | 'pipeline' | 'admissions' | 'incentives', params: Record<string, string | null | undefined>, locale: string) =>
  (format: 'hxl' | 'sdmx') => {
    const all: Record<string, string | null | undefined> = { ...params, format, lang: apiLanguage(locale) };
    const q = new URLSearchParams(Object.entries(all).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
    return `/api/exports/${report}?${q.toString()}`;
  };
