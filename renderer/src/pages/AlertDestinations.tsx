import { useId, useState } from 'react';
import type { AlertSinkDto } from '../../../src/api/contract';
import { errorMessage } from '../../../src/api/error-message';
import { ErrorMessage, formatTime, Loading } from '../components/Feedback';
import { useApp, useLoad } from '../state';

const KIND_NAMES: Record<AlertSinkDto['kind'], string> = {
  ntfy: 'ntfy',
  webhook: 'Webhook',
  desktop: 'Desktop',
  stdout: 'Daemon output',
};

function lastDelivery(sink: AlertSinkDto): string {
  const last = sink.lastDelivery;
  const waiting = sink.queued > 0 ? ` (${sink.queued} waiting)` : '';
  if (!last) return `Nothing sent yet${waiting}.`;
  return `${formatTime(last.at)}: ${last.ok ? last.message : `failed: ${last.message}`}${waiting}`;
}

/** Where alerts go besides this window: add, test and remove destinations; secrets go in and never come back out. */
export function AlertDestinations() {
  const { api, revision } = useApp();
  const sinks = useLoad(() => api.listAlertSinks({}), [api, revision]);
  const [kind, setKind] = useState<'ntfy' | 'webhook'>('ntfy');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [click, setClick] = useState('');
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const ids = { kind: useId(), url: useId(), secret: useId(), click: useId() };

  const act = async (work: () => Promise<string | undefined>) => {
    setError(undefined);
    setNotice(undefined);
    try {
      setNotice(await work());
    } catch (failure) {
      setError(errorMessage(failure));
    }
    sinks.reload();
  };

  const add = () =>
    act(async () => {
      const given = secret.trim() || undefined;
      const added =
        kind === 'ntfy'
          ? await api.addAlertSink({ kind, url, token: given, click: click.trim() || null })
          : await api.addAlertSink({ kind, url, secret: given });
      setUrl('');
      setSecret('');
      setClick('');
      return `Added ${added.target}.${added.warning ? ` Note: ${added.warning}.` : ''}`;
    });

  const test = (sink: AlertSinkDto) =>
    act(async () => {
      const [result] = await api.testAlertSinks({ id: sink.id });
      return result?.ok ? `Test sent to ${sink.target}: ${result.message}.` : `Test to ${sink.target} failed: ${result?.message ?? 'no answer'}.`;
    });

  const remove = (sink: AlertSinkDto) =>
    act(async () => {
      await api.removeAlertSink({ id: sink.id });
      return `Removed ${sink.target}.`;
    });

  return (
    <section aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts elsewhere</h2>
      <p className="meta">
        What Porchlight tells you (following the notification settings above) also goes to these. A token or secret is kept in a private
        file of this computer and never shown again.
      </p>
      {sinks.loading && !sinks.data && <Loading what="alert destinations" />}
      {sinks.error && <ErrorMessage title="Alert destinations could not be loaded" message={sinks.error} onRetry={sinks.reload} />}
      <ul aria-label="Alert destinations" className="alert-sinks">
        {(sinks.data ?? []).map((sink) => (
          <li key={sink.id} className="alert-sink">
            <div>
              <strong>{KIND_NAMES[sink.kind]}</strong> <code>{sink.target}</code>
              {sink.secret === 'set' && <span className="meta"> · {sink.kind === 'ntfy' ? 'token set' : 'signed'}</span>}
              <p className="meta">Last delivery: {lastDelivery(sink)}</p>
              {sink.warning && <p className="meta">Note: {sink.warning}.</p>}
            </div>
            <div className="actions">
              <button type="button" onClick={() => void test(sink)} aria-label={`Send test to ${sink.target}`}>
                Send test
              </button>
              {sink.removable && (
                <button type="button" onClick={() => void remove(sink)} aria-label={`Remove ${sink.target}`}>
                  Remove
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void add();
        }}
      >
        <fieldset>
          <legend>Add a destination</legend>
          <label htmlFor={ids.kind}>Kind</label>
          <select id={ids.kind} value={kind} onChange={(e) => setKind(e.target.value as 'ntfy' | 'webhook')}>
            <option value="ntfy">ntfy topic</option>
            <option value="webhook">Webhook (JSON POST)</option>
          </select>
          <label htmlFor={ids.url}>Address</label>
          <input
            id={ids.url}
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder={kind === 'ntfy' ? 'https://ntfy.sh/your-topic' : 'https://example.com/porchlight-hook'}
            required
          />
          <label htmlFor={ids.secret}>{kind === 'ntfy' ? 'Access token (optional)' : 'Signing secret (optional)'}</label>
          <input id={ids.secret} type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
          {kind === 'ntfy' && (
            <>
              <label htmlFor={ids.click}>Open on tap (optional)</label>
              <input id={ids.click} value={click} onChange={(e) => setClick(e.target.value)} placeholder="https://…" />
            </>
          )}
          <p className="meta">https, or plain http only to this computer or a private address such as 192.168.1.10.</p>
          <button type="submit">Add destination</button>
        </fieldset>
      </form>
      {notice && (
        <p role="status" className="meta">
          {notice}
        </p>
      )}
      {error && <ErrorMessage title="That did not work" message={error} />}
    </section>
  );
}
