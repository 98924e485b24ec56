import { Empty, ErrorMessage, formatTime, Loading } from '../components/Feedback';
import { CheckGroups } from '../components/CheckGroups';
import { useApp } from '../state';

export function Overview() {
  const { report, status, scanning, scanNow, scanError } = useApp();
  return (
    <section aria-labelledby="overview-title">
      <div className="section-head">
        <h1 id="overview-title">Overview</h1>
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
    </section>
  );
}
