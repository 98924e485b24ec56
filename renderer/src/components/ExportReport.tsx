import { useState } from 'react';
import { errorMessage } from '../../../src/api/error-message';
import { loadReportData } from '../../../src/api/report/report-data';
import { renderReport, REPORT_FORMATS, type ReportFormat } from '../../../src/api/report/render';
import { download } from '../download';
import { useApp } from '../state';
import { ErrorMessage } from './Feedback';

const FORMAT_NAMES: Record<ReportFormat, string> = { html: 'HTML', json: 'JSON', csv: 'CSV' };

/** "Export report": the same report `porchlight report` writes, built here from the same API calls, saved as a download. */
export function ExportReport({ disabled }: { disabled: boolean }) {
  const { api } = useApp();
  const [busy, setBusy] = useState<ReportFormat>();
  const [error, setError] = useState<string>();

  const exportAs = async (format: ReportFormat) => {
    setBusy(format);
    setError(undefined);
    try {
      const report = renderReport(await loadReportData(api), format);
      download(report.fileName, report.mediaType, report.text);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <>
      <div className="export" role="group" aria-labelledby="export-label" aria-busy={busy !== undefined}>
        <span id="export-label">Export report</span>
        {REPORT_FORMATS.map((format) => (
          <button key={format} type="button" onClick={() => void exportAs(format)} disabled={disabled || busy !== undefined}>
            {FORMAT_NAMES[format]}
          </button>
        ))}
      </div>
      {error && <ErrorMessage title="The report could not be made" message={error} />}
    </>
  );
}
