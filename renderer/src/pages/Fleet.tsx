import { useEffect, useId, useRef, useState } from 'react';
import type { PorchlightClient } from '../../../src/api/client';
import type { ApiResponse, FleetQueryDto, FleetStatusDto } from '../../../src/api/contract';
import { errorMessage } from '../../../src/api/error-message';
import { Empty, ErrorMessage, formatTime, Loading } from '../components/Feedback';
import { useApp, useLoad } from '../state';

type ServerCheck = Extract<ApiResponse<'checkFleetServer'>, { ok: true }>;

const STATE_LABEL: Record<FleetStatusDto['state'], string> = {
  'not-enrolled': 'Not connected',
  offline: 'Offline',
  enrolling: 'Enrolling…',
  connected: 'Connected',
  refused: 'Enrollment refused',
  certificate: 'Certificate not trusted',
  unreachable: 'Not reachable',
  error: 'Error',
};

const STATE_BADGE: Record<FleetStatusDto['state'], string> = {
  'not-enrolled': 'badge-not_applicable',
  offline: 'badge-unknown',
  enrolling: 'badge-unknown',
  connected: 'badge-pass',
  refused: 'badge-fail',
  certificate: 'badge-fail',
  unreachable: 'badge-fail',
  error: 'badge-fail',
};

/** What the window adds to a preflight problem: how to fix it here. */
const WINDOW_FIX: Partial<Record<Extract<ApiResponse<'checkFleetServer'>, { ok: false }>['problem'], string>> = {
  untrusted: 'Choose the server’s CA certificate above (your Fleet admin has it), then check again.',
  'wrong-ca': 'The CA certificate you chose did not sign this server’s certificate; choose the right one.',
};

export function Fleet() {
  const { api } = useApp();
  const { status, log } = useFleet(api);
  const [connecting, setConnecting] = useState(false);
  const [disconnecting, setDisconnecting] = useState(false);

  if (status.loading && !status.data) return <Loading what="the Fleet connection" />;
  if (status.error) return <ErrorMessage title="The Fleet connection could not be read" message={status.error} onRetry={status.reload} />;
  const current = status.data;
  if (!current) return null;
  const enrolled = current.state !== 'not-enrolled';
  const reload = () => {
    status.reload();
    log.reload();
  };

  return (
    <section aria-labelledby="fleet-title">
      <div className="section-head">
        <h1 id="fleet-title">Fleet</h1>
        <div className="actions">
          {enrolled && current.state !== 'connected' && current.state !== 'enrolling' && (
            <button type="button" onClick={() => setConnecting(true)}>
              Connect again…
            </button>
          )}
          {enrolled ? (
            <button type="button" onClick={() => setDisconnecting(true)}>
              Disconnect…
            </button>
          ) : (
            !connecting && (
              <button type="button" className="primary" onClick={() => setConnecting(true)}>
                Connect to Fleet…
              </button>
            )
          )}
        </div>
      </div>
      <FleetStatusPanel status={current} />
      {connecting && (
        <ConnectForm
          initialUrl={current.server?.url}
          onCancel={() => setConnecting(false)}
          onDone={() => {
            setConnecting(false);
            reload();
          }}
        />
      )}
      {disconnecting && current.server && (
        <DisconnectDialog
          hostname={current.server.hostname}
          onCancel={() => setDisconnecting(false)}
          onDone={() => {
            setDisconnecting(false);
            reload();
          }}
        />
      )}
      {log.data && (log.data.queries.length > 0 || enrolled) && <QueryLog log={log.data} />}
    </section>
  );
}

/**
 * The Fleet status and log, loaded once and again when a Fleet event says they changed (or the
 * event stream reconnects). Only Fleet's events count: each status load has the agent look at
 * osquery and the server again, and a real Fleet asks dozens of queries at once.
 */
function useFleet(api: PorchlightClient) {
  const [statusNonce, setStatusNonce] = useState(0);
  const [logNonce, setLogNonce] = useState(0);
  const status = useLoad(() => api.getFleetStatus({}), [api, statusNonce]);
  const log = useLoad(() => api.getFleetLog({ limit: 500 }), [api, logNonce]);
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const reloadLog = () => {
      clearTimeout(pending);
      pending = setTimeout(() => setLogNonce((n) => n + 1), LOG_RELOAD_SETTLE_MS);
    };
    const off = api.onEvent(
      (name) => {
        if (name === 'fleet-state') setStatusNonce((n) => n + 1);
        if (name === 'fleet-state' || name === 'fleet-query') reloadLog();
      },
      () => {
        setStatusNonce((n) => n + 1);
        reloadLog();
      },
    );
    return () => {
      off();
      clearTimeout(pending);
    };
  }, [api]);
  return { status, log };
}

/** Queries arrive in bursts; the list is read again once they pause. */
const LOG_RELOAD_SETTLE_MS = 300;

function FleetStatusPanel({ status }: { status: FleetStatusDto }) {
  return (
    <div className={`fleet-status fleet-${status.state}`} aria-label="Fleet connection">
      <p>
        <span className={`badge ${STATE_BADGE[status.state]}`} role="status">
          {STATE_LABEL[status.state]}
        </span>{' '}
        <strong>{status.summary}</strong>
      </p>
      {status.state === 'not-enrolled' && (
        <p className="meta">
          Porchlight keeps everything on this laptop. If you, or your family’s admin, run a Fleet server, you can let it see this laptop: its
          admin can then run osquery queries here, and every one of them is listed on this page.
        </p>
      )}
      {status.advice && <p className={status.queryLog === 'off' ? 'banner banner-warning' : undefined}>{status.advice}</p>}
      {status.server && (
        <dl className="facts">
          <dt>Server</dt>
          <dd>{status.server.url}</dd>
          <dt>Enrolled</dt>
          <dd>{formatTime(status.enrolledAt)}</dd>
          <dt>Configuration</dt>
          <dd>{status.configReceived ? 'Received from the server' : 'None from the server yet'}</dd>
          <dt>Last check-in</dt>
          <dd>{formatTime(status.lastCheckInAt)}</dd>
          <dt>Server health</dt>
          <dd>
            {status.unreachableSince !== null
              ? `Not reachable since ${formatTime(status.unreachableSince)}`
              : status.reachableAt !== null
                ? `Reachable (checked ${formatTime(status.reachableAt)})`
                : 'Not checked'}
            {status.healthProblem && (
              <>
                {status.unreachableSince !== null ? ': ' : ''}
                <code>{status.healthProblem}</code>
              </>
            )}
          </dd>
          {status.osquerySays && (
            <>
              <dt>osquery says</dt>
              <dd>
                <code>{status.osquerySays}</code>
              </dd>
            </>
          )}
        </dl>
      )}
    </div>
  );
}

function QueryLog({ log }: { log: ApiResponse<'getFleetLog'> }) {
  const asked = log.queries.filter((query) => query.kind === 'distributed');
  return (
    <>
      {log.queryLog === 'off' ? (
        <h2>Queries the server asked, up to when it turned their log off</h2>
      ) : (
        <h2>
          Fleet ran {log.queriesToday} {log.queriesToday === 1 ? 'query' : 'queries'} on this laptop today
        </h2>
      )}
      <p className="meta">Every query osquery ran because the server asked, newest first, as osquery logged it.</p>
      {asked.length === 0 ? (
        <Empty>{log.queryLog === 'off' ? 'None is recorded: the server may still be running queries here.' : 'No query from a Fleet server is recorded.'}</Empty>
      ) : (
        <QueryTable label="Queries the server asked" headers={['When', 'Why', 'Query']}>
          {asked.map((query, index) => (
            <QueryRow key={`${query.at}-${query.queryId}-${index}`} query={query} />
          ))}
        </QueryTable>
      )}
      <h2>Scheduled by the server</h2>
      {log.schedule.length === 0 ? (
        <Empty>The server has scheduled no query on this laptop.</Empty>
      ) : (
        <QueryTable label="Queries the server scheduled" headers={['Name', 'Every', 'Runs', 'Query']}>
          {log.schedule.map((query) => (
            <tr key={query.name}>
              <td>{query.name}</td>
              <td className="num">{everyText(query.intervalSeconds)}</td>
              <td className="num">
                {query.executions}
                {query.lastExecuted ? <span className="meta"> (last {formatTime(query.lastExecuted * 1000)})</span> : null}
              </td>
              <td>
                <pre className="sql">{query.sql}</pre>
              </td>
            </tr>
          ))}
        </QueryTable>
      )}
    </>
  );
}

function QueryTable({ label, headers, children }: { label: string; headers: string[]; children: React.ReactNode }) {
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {headers.map((header) => (
              <th key={header} scope="col">
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

function QueryRow({ query }: { query: FleetQueryDto }) {
  return (
    <tr>
      <td>{formatTime(query.at)}</td>
      <td>
        {query.purpose}
        <div className="meta">{query.queryId}</div>
      </td>
      <td>
        <pre className="sql">{query.sql}</pre>
        {query.error && <p className="meta">osquery’s error: {query.error}</p>}
      </td>
    </tr>
  );
}

function everyText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function ConnectForm({ initialUrl, onCancel, onDone }: { initialUrl: string | undefined; onCancel: () => void; onDone: () => void }) {
  const { api } = useApp();
  const ids = { url: useId(), secret: useId(), ca: useId() };
  const [url, setUrl] = useState(initialUrl ?? 'https://');
  const [secret, setSecret] = useState('');
  const [ca, setCa] = useState<{ name: string; pem: string }>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [checked, setChecked] = useState<ServerCheck>();

  const checkServer = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const result = await api.checkFleetServer({ url, ca: ca?.pem });
      if (result.ok) setChecked(result);
      else setProblem([result.message, WINDOW_FIX[result.problem]].filter(Boolean).join('. '));
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const enroll = async () => {
    setBusy(true);
    try {
      await api.enrollFleet({ url, secret, ca: ca?.pem, consent: true });
      onDone();
    } catch (error) {
      setChecked(undefined);
      setProblem(errorMessage(error));
      setBusy(false);
    }
  };

  return (
    <form
      className="fleet-connect"
      aria-label="Connect to Fleet"
      onSubmit={(event) => {
        event.preventDefault();
        void checkServer();
      }}
    >
      <fieldset disabled={busy}>
        <legend>Connect to a Fleet server</legend>
        <label htmlFor={ids.url}>Server address</label>
        <input id={ids.url} type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://fleet.example.com" size={48} />
        <label htmlFor={ids.secret}>Enroll secret</label>
        <input id={ids.secret} type="password" required autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} size={48} />
        <p className="meta">From the server’s admin (in Fleet: Hosts › Add hosts). Porchlight keeps it in a file only you can read.</p>
        <label htmlFor={ids.ca}>CA certificate (only for a server with its own certificate authority)</label>
        <input
          id={ids.ca}
          type="file"
          accept=".pem,.crt,.cer,application/x-pem-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (!file) return setCa(undefined);
            void file.text().then((pem) => setCa({ name: file.name, pem }));
          }}
        />
        {problem && <ErrorMessage title="Not connected; nothing was changed" message={problem} />}
        <div className="actions">
          <button type="submit" className="primary" aria-busy={busy}>
            {busy && !checked ? 'Checking the server…' : 'Check the server'}
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </fieldset>
      {checked && <ConsentDialog check={checked} busy={busy} onConfirm={() => void enroll()} onCancel={() => setChecked(undefined)} />}
    </form>
  );
}

/** A modal dialog that takes the focus while open and gives it back on close. */
function Modal({ labelledBy, onCancel, children }: { labelledBy: string; onCancel: () => void; children: React.ReactNode }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      aria-labelledby={labelledBy}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      {children}
    </dialog>
  );
}

/** A dialog's answer: the action (saying so while it runs) or Cancel. */
function ConfirmButtons(props: { label: string; busyLabel: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  return (
    <div className="actions">
      <button type="button" className="primary" onClick={props.onConfirm} disabled={props.busy} aria-busy={props.busy}>
        {props.busy ? props.busyLabel : props.label}
      </button>
      <button type="button" onClick={props.onCancel} disabled={props.busy}>
        Cancel
      </button>
    </div>
  );
}

function ConsentDialog({ check, busy, onConfirm, onCancel }: { check: ServerCheck; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const titleId = useId();
  const [question, ...paragraphs] = check.consent;
  return (
    <Modal labelledBy={titleId} onCancel={onCancel}>
      <h2 id={titleId}>{question}</h2>
      <p className="meta">
        Fleet {check.version} answers at {check.server.url}; its certificate was checked against{' '}
        {check.trust === 'given-ca' ? 'the CA certificate you chose' : 'this computer’s trusted certificates'}.
      </p>
      {paragraphs.map((paragraph) => (
        <p key={paragraph}>{paragraph}</p>
      ))}
      <ConfirmButtons label="Connect this laptop" busyLabel="Connecting…" busy={busy} onConfirm={onConfirm} onCancel={onCancel} />
    </Modal>
  );
}

function DisconnectDialog({ hostname, onCancel, onDone }: { hostname: string; onCancel: () => void; onDone: () => void }) {
  const { api } = useApp();
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const disconnect = async () => {
    setBusy(true);
    try {
      await api.unenrollFleet({});
      onDone();
    } catch (error) {
      setProblem(errorMessage(error));
      setBusy(false);
    }
  };
  return (
    <Modal labelledBy={titleId} onCancel={onCancel}>
      <h2 id={titleId}>Disconnect from {hostname}?</h2>
      <p>
        osquery restarts without the server’s settings, forgets its enrollment, and the enroll secret is deleted. The server keeps what it has
        already collected; its admin can remove this laptop there.
      </p>
      {problem && <ErrorMessage title="Still connected" message={problem} />}
      <ConfirmButtons label="Disconnect" busyLabel="Disconnecting…" busy={busy} onConfirm={() => void disconnect()} onCancel={onCancel} />
    </Modal>
  );
}

/** The Fleet line of Settings: where the connection is, and the way to it. */
export function FleetSettings() {
  const { api } = useApp();
  const status = useLoad(() => api.getFleetStatus({}), [api]);
  return (
    <fieldset>
      <legend>Fleet</legend>
      {status.data && <p>{status.data.summary}</p>}
      <a href="#/fleet">{status.data && status.data.state !== 'not-enrolled' ? 'Fleet connection and what the server asked…' : 'Connect to Fleet…'}</a>
    </fieldset>
  );
}
