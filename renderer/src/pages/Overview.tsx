import { ExportReport } from '../components/ExportReport';
import { Empty, ErrorMessage, formatTime, Loading } from '../components/Feedback';
import { CheckGroups } from '../components/CheckGroups';
import { TrendChart } from '../components/TrendChart';
import { TREND_DAYS } from '../../../src/api/report/report-data';
import { useApp, useLoad } from '../state';

export function Overview() {
  const { api, report, status, scanning, scanNow, scanError, revision } = useApp();
  const trend = useLoad(() => api.getTrend({ days: TREND_DAYS }), [api, revision]);
  return (
    <section aria-labelledby="overview-title">
      <div className="section-head">
        <h1 id="overview-title">Overview</h1>
        <div className="actions">
          <ExportReport disabled={!report} />
          <button type="button" className="primary" onClick={() => void scanNow()} disabled={scanning} aria-busy={scanning}>
            {scanning ? (
              <>
                <span className="spinner" aria-hidden="true" /> Scanning…
              </>
            ) : (
              'Scan now'
            )}
          </button>
        </div>
      </div>
      <p className="meta">
        Last scan: {formatTime(status?.lastScanAt)} · Next scan: {status?.pausedUntil ? `paused until ${formatTime(status.pausedUntil)}` : formatTime(status?.nextScanAt)}
      </p>
      {scanError && <ErrorMessage title="The scan could not run" message={scanError} />}
      {report === undefined ? (
        <Loading what="results" />
      ) : report === null ? (
        <Empty>
          {scanning ? 'The first scan is running…' : 'No scan yet. Porchlight scans when osquery is running; press “Scan now” to start one.'}
        </Empty>
      ) : (
        <CheckGroups results={report.results} />
      )}
      <section aria-labelledby="trend-title">
        <h2 id="trend-title">Last {TREND_DAYS} days</h2>
        {trend.error ? (
          <ErrorMessage title="The trend could not be loaded" message={trend.error} onRetry={trend.reload} />
        ) : !trend.data ? (
          <Loading what="the trend" />
        ) : trend.data.some((day) => day.scans > 0) ? (
          <TrendChart days={trend.data} />
        ) : (
          <Empty>No scans in the last {TREND_DAYS} days yet.</Empty>
        )}
      </section>
    </section>
  );
}
