import { useState } from 'react';
import type { StoredFindingDto } from '../../../src/api/contract';
import { Empty, ErrorMessage, formatTime, Loading } from '../components/Feedback';
import { HistoryStrip } from '../components/HistoryStrip';
import { StatusBadge } from '../components/StatusBadge';
import { useApp, useLoad } from '../state';
import { runsInApp } from '../transport';
import { errorMessage } from '../../../src/api/error-message';

export function CheckDetail({ id }: { id: string }) {
  const { api, revision, refresh } = useApp();
  const { data, error, loading, reload } = useLoad(() => api.getCheck({ id }), [api, id, revision]);
  const [actionError, setActionError] = useState<string>();

  if (loading && !data) return <Loading what="the check" />;
  if (error) return <ErrorMessage title="This check could not be loaded" message={error} onRetry={reload} />;
  if (!data) return null;
  const { check, result, findings, history } = data;
  const open = findings.filter((f) => f.resolvedAt === null);
  const resolved = findings.filter((f) => f.resolvedAt !== null);

  const toggle = async (finding: StoredFindingDto) => {
    setActionError(undefined);
    try {
      if (finding.acknowledged) await api.unacknowledge({ findingId: finding.id });
      else await api.acknowledge({ findingId: finding.id });
      // refresh() bumps the revision, which reloads this check.
      await refresh();
    } catch (failure) {
      setActionError(errorMessage(failure));
    }
  };

  const confirm = async (confirmed: boolean) => {
    setActionError(undefined);
    try {
      if (confirmed) await api.confirmCheck({ checkId: id });
      else await api.unconfirmCheck({ checkId: id });
      await refresh();
    } catch (failure) {
      setActionError(errorMessage(failure));
    }
  };

  const openLink = async (event: React.MouseEvent, url: string) => {
    if (!runsInApp()) return;
    event.preventDefault();
    await api.openLink({ url }).catch((failure: unknown) => setActionError(String(failure)));
  };

  return (
    <article aria-labelledby="check-title">
      <p>
        <a href="#/">← Overview</a>
      </p>
      <h1 id="check-title">{check.title}</h1>
      <p className="meta">
        From {check.source === 'builtin' ? 'Porchlight’s built-in checks' : check.source === 'fleet' ? `the imported set “${check.sourceName}”` : `your file ${check.sourceName}`}
        {check.fleet && ` · Fleet policy${check.fleet.critical ? ' · critical' : ''}${check.fleet.purpose ? ` · ${check.fleet.purpose}` : ''}`}
        {check.fleet?.tags.length ? ` · tags: ${check.fleet.tags.join(', ')}` : ''} · id {check.id}
      </p>
      <p className="description">{check.description}</p>
      {result ? (
        <div className={`result result-${result.status}`}>
          <StatusBadge status={result.status} confirmed={result.confirmation !== null} /> <strong>{result.summary}</strong>
          {result.reason && <p className="reason">Why: {result.reason}</p>}
          {result.status === 'manual' && (
            <p className="reason">osquery cannot tell this; its policy asks for a look by hand. It never counts as failing. What to look at is under “What to do”.</p>
          )}
          {result.status === 'unknown' && check.selfCheck && (
            <div className="self-check" aria-labelledby="self-check-title">
              <h2 id="self-check-title">See for yourself</h2>
              <ol>
                {check.selfCheck.steps.map((step) => (
                  <li key={step}>{step}</li>
                ))}
              </ol>
              {check.selfCheck.confirmation &&
                (result.confirmation ? (
                  <p>
                    You confirmed on {formatTime(result.confirmation.confirmedAt)}: {result.confirmation.statement}. Porchlight asks again after{' '}
                    {formatTime(result.confirmation.expiresAt)}; this is your word, not osquery’s, and is never reported as a pass.{' '}
                    <button type="button" onClick={() => void confirm(false)}>
                      Take it back
                    </button>
                  </p>
                ) : (
                  <p>
                    <button type="button" onClick={() => void confirm(true)}>
                      I checked: {check.selfCheck.confirmation}
                    </button>
                  </p>
                ))}
            </div>
          )}
        </div>
      ) : (
        <Empty>Not scanned yet in this session.</Empty>
      )}
      {check.visibility && <p className="meta">What osquery sees as you: {check.visibility}</p>}
      {check.requires.length > 0 && <p className="meta">Needs: {check.requires.join(', ').replaceAll('_', ' ')}</p>}

      {actionError && <ErrorMessage title="That did not work" message={actionError} />}

      <section aria-labelledby="findings-title">
        <h2 id="findings-title">Findings</h2>
        {open.length === 0 ? (
          <Empty>No open findings.</Empty>
        ) : (
          <ul className="findings">
            {open.map((finding) => (
              <li key={finding.id} className={finding.acknowledged ? 'finding acknowledged' : 'finding'}>
                <div>
                  <strong>{finding.title}</strong>
                  <p>{finding.reason}</p>
                  <p className="meta">
                    First seen {formatTime(finding.firstSeen)}
                    {finding.acknowledged && ` · acknowledged${finding.acknowledgedUntil ? ` until ${formatTime(finding.acknowledgedUntil)}` : ''}`}
                    {!finding.counted && ' · listed only'}
                  </p>
                </div>
                <button type="button" onClick={() => void toggle(finding)}>
                  {finding.acknowledged ? 'Un-acknowledge' : 'Acknowledge'}
                  <span className="visually-hidden"> {finding.title}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {resolved.length > 0 && (
          <details>
            <summary>{resolved.length} resolved</summary>
            <ul>
              {resolved.map((finding) => (
                <li key={finding.id}>
                  {finding.title} — resolved {formatTime(finding.resolvedAt)}
                </li>
              ))}
            </ul>
          </details>
        )}
      </section>

      <section aria-labelledby="fix-title">
        <h2 id="fix-title">What to do</h2>
        {check.remediation.summary && <p>{check.remediation.summary}</p>}
        {check.remediation.steps.length > 0 ? (
          <ol>
            {check.remediation.steps.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
        ) : (
          <Empty>No steps for this system.</Empty>
        )}
        {check.remediation.links.map((link) => (
          <p key={link.url}>
            <a href={link.url} target="_blank" rel="noopener noreferrer" onClick={(event) => void openLink(event, link.url)}>
              {link.label}
            </a>
          </p>
        ))}
      </section>

      <section aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        {history.length === 0 ? (
          <Empty>No history yet.</Empty>
        ) : (
          <>
            <HistoryStrip title={check.title} history={history} describedBy="history-list" />
            <ol className="timeline" id="history-list">
            {[...history].reverse().map((entry) => (
              <li key={`${entry.firstAt}-${entry.status}`}>
                <StatusBadge status={entry.status} /> {entry.summary}
                <span className="meta">
                  {' '}
                  {formatTime(entry.firstAt)} – {formatTime(entry.lastAt)}
                </span>
              </li>
            ))}
            </ol>
          </>
        )}
      </section>
    </article>
  );
}
