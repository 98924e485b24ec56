import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../describe-issues.js';
import { corruptAsidePath } from '../paths/corrupt-aside.js';
import { cronProblem } from '../schedule/scan-schedule.js';
import { alertSinksSettingSchema } from './alert-sink-settings.js';

export const SETTINGS_FILE = 'config.json';

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM');

export const settingsSchema = z.object({
  /** When scheduled scans run (cron, local time). */
  schedule: z
    .string()
    .default('*/30 * * * *')
    .superRefine((value, ctx) => {
      const problem = cronProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  disabledChecks: z.array(z.string()).default([]),
  /** Expected listening services: a rule matches by process path, by port, or by both. */
  listenerAllowlist: z
    .array(
      z
        .object({ processPath: z.string().min(1).optional(), port: z.number().int().min(1).max(65535).optional() })
        .refine((rule) => rule.processPath !== undefined || rule.port !== undefined, 'give a processPath, a port, or both'),
    )
    .default([]),
  notifications: z
    .object({
      enabled: z.boolean().default(true),
      newFindings: z.boolean().default(true),
      failingChecks: z.boolean().default(true),
      quietHours: z.object({ start: timeOfDay, end: timeOfDay }).nullable().default(null),
    })
    .default({ enabled: true, newFindings: true, failingChecks: true, quietHours: null }),
  retentionDays: z.number().int().min(1).max(3650).default(90),
  /** Alert destinations besides the shell's own (changed through the agent's alert methods). */
  alerts: alertSinksSettingSchema,
  /** Serve Prometheus metrics on 127.0.0.1 at this port (null: off); `--metrics-port` overrides it. */
  metricsPort: z.number().int().min(1).max(65535).nullable().default(null),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsPatch = Partial<z.input<typeof settingsSchema>>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

export class InvalidSettingsError extends Error {
  override name = 'InvalidSettingsError';
}

/** Where settings live: `conf` in the CLI and tests, electron-store (same engine) in the app. */
export interface SettingsBackend {
  write(settings: Settings): void;
}

export interface LoadedSettings {
  settings: Settings;
  warning?: string;
}

/**
 * Reads and validates `config.json`. A file that is not JSON or not valid settings is kept aside
 * as `config.json.corrupt-<time>` and defaults are used, with a warning saying so.
 */
export function readSettingsFile(dataDir: string, now: () => number = Date.now): LoadedSettings {
  const file = path.join(dataDir, SETTINGS_FILE);
  if (!existsSync(file)) return { settings: DEFAULT_SETTINGS };
  let problem: string;
  try {
    const parsed = settingsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return { settings: parsed.data };
    problem = describeIssues(parsed.error, '(file)');
  } catch (error) {
    problem = `not valid JSON (${(error as Error).message})`;
  }
  const aside = corruptAsidePath(file, now());
  renameSync(file, aside);
  return {
    settings: DEFAULT_SETTINGS,
    warning: `Settings in ${file} could not be used (${problem}); they were kept as ${aside} and defaults are in use.`,
  };
}

/** Settings with validation on every change; writes go through the backend. */
export class SettingsStore {
  private current: Settings;

  constructor(
    private readonly backend: SettingsBackend,
    initial: Settings,
  ) {
    this.current = initial;
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  /** Applies a change; an invalid one is rejected with the reason and nothing is written. */
  update(patch: SettingsPatch): Settings {
    const parsed = settingsSchema.safeParse({ ...this.current, ...patch });
    if (!parsed.success) {
      throw new InvalidSettingsError(describeIssues(parsed.error, ''));
    }
    this.backend.write(parsed.data);
    this.current = parsed.data;
    return this.get();
  }
}
