import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../../test/helpers/standin.js';
import { openConfSettings } from './conf-settings.js';
import { DEFAULT_SETTINGS, InvalidSettingsError, SETTINGS_FILE } from './settings.js';

afterEach(removeTempDirs);

describe('settings in config.json', () => {
  it('starts from sensible defaults: every 30 minutes, 90 days of history, notifications on', () => {
    const { store, warning } = openConfSettings(tempDir());
    expect(warning).toBeUndefined();
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.schedule).toBe('*/30 * * * *');
    expect(DEFAULT_SETTINGS.retentionDays).toBe(90);
    expect(DEFAULT_SETTINGS.notifications.enabled).toBe(true);
  });

  it('saves changes and reads them back in a new process', () => {
    const dir = tempDir();
    openConfSettings(dir).store.update({ schedule: '0 * * * *', listenerAllowlist: [{ processPath: '/usr/sbin/sshd' }] });
    const again = openConfSettings(dir).store.get();
    expect(again.schedule).toBe('0 * * * *');
    expect(again.listenerAllowlist).toEqual([{ processPath: '/usr/sbin/sshd' }]);
  });

  it('rejects an invalid cron expression with the reason and keeps the old value', () => {
    const dir = tempDir();
    const { store } = openConfSettings(dir);
    expect(() => store.update({ schedule: '61 * * * *' })).toThrow(InvalidSettingsError);
    expect(() => store.update({ schedule: 'every tuesday' })).toThrow(/not a valid cron schedule/);
    expect(() => store.update({ listenerAllowlist: [{}] })).toThrow(/give a processPath, a port, or both/);
    expect(store.get().schedule).toBe('*/30 * * * *');
    expect(openConfSettings(dir).store.get().schedule).toBe('*/30 * * * *');
  });

  it('keeps alert destinations and the metrics port, checking each address as alerts would', () => {
    const dir = tempDir();
    const { store } = openConfSettings(dir);
    expect(store.get()).toMatchObject({ alerts: [], metricsPort: null });
    store.update({ alerts: [{ id: 'phone', kind: 'ntfy', url: 'https://ntfy.sh/ann' }], metricsPort: 9464 });
    expect(openConfSettings(dir).store.get()).toMatchObject({ alerts: [{ id: 'phone', kind: 'ntfy', url: 'https://ntfy.sh/ann', click: null }], metricsPort: 9464 });
    expect(() => store.update({ alerts: [{ id: 'hook', kind: 'webhook', url: 'http://203.0.113.7/hook' }] })).toThrow(
      /alerts\.0\.url: plain http to 203\.0\.113\.7 would cross the internet unencrypted/,
    );
    expect(() =>
      store.update({
        alerts: [
          { id: 'a', kind: 'webhook', url: 'https://example.com/1' },
          { id: 'a', kind: 'webhook', url: 'https://example.com/2' },
        ],
      }),
    ).toThrow(/"a" is used twice/);
    expect(() => store.update({ alerts: [{ id: 'desktop', kind: 'webhook', url: 'https://example.com/1' }] })).toThrow(/belongs to the built-in notifications/);
  });

  it.each([
    ['not JSON', '{"schedule": "*/5 * * * *",'],
    ['not valid settings', JSON.stringify({ schedule: 'whenever', retentionDays: -1 })],
  ])('keeps a corrupt file (%s) aside, uses defaults and warns', (_kind, text) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, SETTINGS_FILE), text);
    const { store, warning } = openConfSettings(dir);
    expect(warning).toMatch(/could not be used .* kept as .*config\.json\.corrupt-.* defaults are in use/);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    const aside = readdirSync(dir).find((name) => name.startsWith(`${SETTINGS_FILE}.corrupt-`))!;
    expect(readFileSync(path.join(dir, aside), 'utf8')).toBe(text);
  });
});
