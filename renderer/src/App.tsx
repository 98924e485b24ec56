import { useEffect, useState } from 'react';
import type { PorchlightClient } from '../../src/api/client';
import { ErrorMessage, formatTime } from './components/Feedback';
import { OverallBadge } from './components/StatusBadge';
import { CheckDetail } from './pages/CheckDetail';
import { Fleet } from './pages/Fleet';
import { Extensions, Ports } from './pages/Inventory';
import { Overview } from './pages/Overview';
import { Settings } from './pages/Settings';
import { SqlConsole } from './pages/SqlConsole';
import { AppProvider, useApp } from './state';

const NAV = [
  ['#/', 'Overview'],
  ['#/ports', 'Listening ports'],
  ['#/extensions', 'Browser extensions'],
  ['#/sql', 'SQL console'],
  ['#/fleet', 'Fleet'],
  ['#/settings', 'Settings'],
] as const;

function useHashRoute(): string {
  const [hash, setHash] = useState(window.location.hash || '#/');
  useEffect(() => {
    const onChange = () => setHash(window.location.hash || '#/');
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

function Page({ route }: { route: string }) {
  const check = /^#\/check\/(.+)$/.exec(route);
  if (check) return <CheckDetail id={decodeURIComponent(check[1]!)} />;
  switch (route) {
    case '#/ports':
      return <Ports />;
    case '#/extensions':
      return <Extensions />;
    case '#/sql':
      return <SqlConsole />;
    case '#/fleet':
      return <Fleet />;
    case '#/settings':
      return <Settings />;
    default:
      return <Overview />;
  }
}

/** Why osquery is not answering, and what the owner can do about it. */
function OsqueryBanner() {
  const { status, api, refresh } = useApp();
  const [log, setLog] = useState<string[]>();
  const [retrying, setRetrying] = useState(false);
  if (!status || status.osquery.state === 'running') return null;
  const { state, reason, nextStartInMs, lastOutput } = status.osquery;
  const retry = async () => {
    setRetrying(true);
    await api.retryOsquery({}).catch(() => undefined);
    setRetrying(false);
    await refresh();
  };
  return (
    <div className={`banner banner-${state}`} role="alert">
      <strong>
        {state === 'starting' && 'osquery is starting…'}
        {state === 'restarting' && `osquery stopped and restarts in ${Math.ceil((nextStartInMs ?? 0) / 1000)} s`}
        {state === 'failed' && 'osquery is not running'}
        {state === 'stopped' && 'osquery is stopped'}
      </strong>
      {reason && <p>{reason}</p>}
      {state === 'failed' && (
        <div className="actions">
          <button type="button" onClick={() => void retry()} disabled={retrying}>
            {retrying ? 'Restarting…' : 'Restart osquery'}
          </button>
          <button type="button" onClick={() => void api.getOsqueryLog({}).then((r) => setLog(r.lines))}>
            Show osquery’s log
          </button>
        </div>
      )}
      {(log ?? lastOutput)?.length ? <pre className="log">{(log ?? lastOutput)!.join('\n')}</pre> : null}
    </div>
  );
}

function Shell() {
  const route = useHashRoute();
  const { status, connectionError, refresh } = useApp();
  const current = route.startsWith('#/check/') ? '#/' : route;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header>
        <span className="brand">Porchlight</span>
        {status && <OverallBadge state={status.overall} />}
        {status && <span className="meta">Last scan {formatTime(status.lastScanAt)}</span>}
      </header>
      {status?.demo && (
        <div className="banner banner-demo" role="note">
          <strong>Demo data.</strong> This window shows a sample laptop answered by a stand-in osqueryd, not your computer.
        </div>
      )}
      {connectionError && <ErrorMessage title="Porchlight is not answering" message={connectionError} onRetry={() => void refresh()} />}
      <OsqueryBanner />
      {status?.warnings.map((warning) => (
        <div key={warning} className="banner banner-warning" role="status">
          {warning}
        </div>
      ))}
      <nav aria-label="Main">
        <ul>
          {NAV.map(([href, label]) => (
            <li key={href}>
              <a href={href} aria-current={current === href ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}

export function App({ api }: { api: PorchlightClient }) {
  return (
    <AppProvider api={api}>
      <Shell />
    </AppProvider>
  );
}
