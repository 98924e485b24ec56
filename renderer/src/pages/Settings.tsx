import { useId, useState } from 'react';
import type { CheckListItem, SettingsDto } from '../../../src/api/contract';
import { ErrorMessage, Loading } from '../components/Feedback';
import { FleetSettings } from './Fleet';
import { useApp, useLoad } from '../state';
import { errorMessage } from '../../../src/api/error-message';
import { AlertDestinations } from './AlertDestinations';

/** Checks by where they come from, in the order the API lists them (built-in first). */
function sourcesOf(checks: CheckListItem[]): [string, CheckListItem[]][] {
  const bySource = new Map<string, CheckListItem[]>();
  for (const check of checks) bySource.set(check.source.name, [...(bySource.get(check.source.name) ?? []), check]);
  return [...bySource];
}

export function Settings() {
  const { api, status } = useApp();
  const settings = useLoad(() => api.getSettings({}), [api]);
  const checks = useLoad(() => api.listChecks({}), [api]);
  const login = useLoad(() => api.getStartAtLogin({}), [api]);
  const [loginError, setLoginError] = useState<string>();
  /** The owner's unsaved form; until they change something, the saved settings. */
  const [edited, setDraft] = useState<SettingsDto>();
  const draft = edited ?? settings.data;
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string>();
  const [newRule, setNewRule] = useState({ processPath: '', port: '' });
  const ids = { schedule: useId(), retention: useId(), path: useId(), port: useId(), quietStart: useId(), quietEnd: useId(), metrics: useId() };

  if (settings.loading && !draft) return <Loading what="settings" />;
  if (settings.error) return <ErrorMessage title="Settings could not be loaded" message={settings.error} onRetry={settings.reload} />;
  if (!draft) return null;

  const change = (patch: Partial<SettingsDto>) => {
    setSaved(false);
    setDraft({ ...draft, ...patch });
  };

  const save = async () => {
    setError(undefined);
    try {
      setDraft(await api.updateSettings({ patch: draft }));
      setSaved(true);
    } catch (failure) {
      setError(errorMessage(failure));
    }
  };

  const addRule = () => {
    const rule: { processPath?: string; port?: number } = {};
    if (newRule.processPath.trim()) rule.processPath = newRule.processPath.trim();
    if (newRule.port.trim()) rule.port = Number(newRule.port);
    if (rule.processPath === undefined && rule.port === undefined) return;
    change({ listenerAllowlist: [...draft.listenerAllowlist, rule] });
    setNewRule({ processPath: '', port: '' });
  };

  const notifications = draft.notifications;
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <fieldset>
          <legend>Schedule</legend>
          <label htmlFor={ids.schedule}>When to scan (cron, local time)</label>
          <input id={ids.schedule} value={draft.schedule} onChange={(e) => change({ schedule: e.target.value })} aria-describedby={`${ids.schedule}-hint`} />
          <p id={`${ids.schedule}-hint`} className="meta">
            “*/30 * * * *” is every 30 minutes; “0 9 * * *” is every day at 9:00.
          </p>
          <label htmlFor={ids.retention}>Keep history for (days)</label>
          <input id={ids.retention} type="number" min={1} max={3650} value={draft.retentionDays} onChange={(e) => change({ retentionDays: Number(e.target.value) })} />
        </fieldset>

        <fieldset>
          <legend>Checks</legend>
          {checks.loading && !checks.data && <Loading what="checks" />}
          {sourcesOf(checks.data ?? []).map(([source, list]) => {
            const off = list.filter((check) => draft.disabledChecks.includes(check.id)).length;
            const ids = new Set(list.map((check) => check.id));
            const others = draft.disabledChecks.filter((id) => !ids.has(id));
            return (
              <details key={source} className="check-source" open={list.length <= 25}>
                <summary>
                  {source} — {list.length} checks{off ? `, ${off} off` : ''}
                </summary>
                <div className="actions">
                  <button type="button" onClick={() => change({ disabledChecks: others })} disabled={off === 0}>
                    Turn all on<span className="visually-hidden"> in {source}</span>
                  </button>
                  <button type="button" onClick={() => change({ disabledChecks: [...others, ...ids] })} disabled={off === list.length}>
                    Turn all off<span className="visually-hidden"> in {source}</span>
                  </button>
                </div>
                {list.map((check) => (
                  <label key={check.id} className="inline">
                    <input
                      type="checkbox"
                      checked={!draft.disabledChecks.includes(check.id)}
                      onChange={(e) =>
                        change({
                          disabledChecks: e.target.checked
                            ? draft.disabledChecks.filter((id) => id !== check.id)
                            : [...draft.disabledChecks, check.id],
                        })
                      }
                    />
                    {check.title}
                    {!check.appliesHere && <span className="meta"> (not on this OS)</span>}
                  </label>
                ))}
              </details>
            );
          })}
        </fieldset>

        <fieldset>
          <legend>Expected network services</legend>
          <p className="meta">Listeners matching a rule are not reported. A rule matches by program path, port, or both.</p>
          <ul>
            {draft.listenerAllowlist.map((rule, index) => (
              <li key={`${rule.processPath ?? ''}:${rule.port ?? ''}:${index}`}>
                {[rule.processPath, rule.port && `port ${rule.port}`].filter(Boolean).join(' on ')}{' '}
                <button type="button" onClick={() => change({ listenerAllowlist: draft.listenerAllowlist.filter((_, i) => i !== index) })}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <label htmlFor={ids.path}>Program path</label>
          <input id={ids.path} value={newRule.processPath} onChange={(e) => setNewRule({ ...newRule, processPath: e.target.value })} placeholder="/usr/sbin/sshd" />
          <label htmlFor={ids.port}>Port</label>
          <input id={ids.port} inputMode="numeric" value={newRule.port} onChange={(e) => setNewRule({ ...newRule, port: e.target.value })} placeholder="22" />
          <button type="button" onClick={addRule}>
            Add rule
          </button>
        </fieldset>

        <fieldset>
          <legend>Notifications</legend>
          <label className="inline">
            <input type="checkbox" checked={notifications.enabled} onChange={(e) => change({ notifications: { ...notifications, enabled: e.target.checked } })} />
            Tell me what changes (notifications, and the alert destinations below)
          </label>
          <label className="inline">
            <input type="checkbox" checked={notifications.failingChecks} onChange={(e) => change({ notifications: { ...notifications, failingChecks: e.target.checked } })} />
            When a check starts failing
          </label>
          <label className="inline">
            <input type="checkbox" checked={notifications.newFindings} onChange={(e) => change({ notifications: { ...notifications, newFindings: e.target.checked } })} />
            When something new is found
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={notifications.quietHours !== null}
              onChange={(e) => change({ notifications: { ...notifications, quietHours: e.target.checked ? { start: '22:00', end: '07:00' } : null } })}
            />
            Quiet hours
          </label>
          {notifications.quietHours && (
            <div className="inline-fields">
              <label htmlFor={ids.quietStart}>From</label>
              <input id={ids.quietStart} type="time" value={notifications.quietHours.start} onChange={(e) => change({ notifications: { ...notifications, quietHours: { ...notifications.quietHours!, start: e.target.value } } })} />
              <label htmlFor={ids.quietEnd}>to</label>
              <input id={ids.quietEnd} type="time" value={notifications.quietHours.end} onChange={(e) => change({ notifications: { ...notifications, quietHours: { ...notifications.quietHours!, end: e.target.value } } })} />
            </div>
          )}
        </fieldset>

        <fieldset>
          <legend>This computer</legend>
          <p>
            Data location: <code>{status?.dataDir}</code>
          </p>
          {login.data?.supported ? (
            <label className="inline">
              <input
                type="checkbox"
                checked={login.data.enabled}
                onChange={(e) => {
                  setLoginError(undefined);
                  api.setStartAtLogin({ enabled: e.target.checked }).then(login.reload, (failure: unknown) => setLoginError(String(failure)));
                }}
              />
              Start Porchlight when I log in
            </label>
          ) : (
            <p className="meta">Start at login is available in the tray app.</p>
          )}
          {loginError && <ErrorMessage title="Start at login was not changed" message={loginError} />}
          <label htmlFor={ids.metrics}>Prometheus metrics on 127.0.0.1, port</label>
          <input
            id={ids.metrics}
            type="number"
            min={1}
            max={65535}
            value={draft.metricsPort ?? ''}
            onChange={(e) => change({ metricsPort: e.target.value === '' ? null : Number(e.target.value) })}
            aria-describedby={`${ids.metrics}-hint`}
          />
          <p id={`${ids.metrics}-hint`} className="meta">
            Empty: off. Serves /metrics to a Prometheus on this computer; takes effect when Porchlight next starts.
          </p>
        </fieldset>

        <FleetSettings />

        {error && <ErrorMessage title="Settings were not saved" message={error} />}
        <div className="actions">
          <button type="submit" className="primary">
            Save settings
          </button>
          {saved && (
            <span role="status" className="meta">
              Saved.
            </span>
          )}
        </div>
      </form>
      <AlertDestinations />
    </section>
  );
}
