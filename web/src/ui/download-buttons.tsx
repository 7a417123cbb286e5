import { FormattedMessage } from 'react-intl';
import { downloadCsv, downloadXlsx, type Sheet } from './download.ts';

/** CSV and XLSX downloads of a table (the `what` names it for screen readers: "Download CSV: Pledged and arrived"). */
export function DownloadButtons({ sheet, filename, what }: { sheet: () => Sheet; filename: string; what: string }) {
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
    </div>
  );
}
