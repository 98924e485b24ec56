import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Agent } from '../agent.js';
import { CHECK_STATUSES } from '../checks/definition.js';
import { needsAttention } from '../checks/scanner.js';

export type MetricsSource = Pick<Agent, 'lastReport' | 'status' | 'on'>;

export interface PorchlightMetrics {
  readonly registry: Registry;
  close(): void;
}

/**
 * Porchlight's own Prometheus registry (prom-client) for one agent: what the checks say, open
 * findings, scans, osqueryd, and the process's default metrics. Gauges read the agent when
 * scraped; counters and the duration histogram follow its events.
 */
export function porchlightMetrics(agent: MetricsSource): PorchlightMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Gauges named like counters, which promtool's lint rejects (prometheus/client_js#283, where
  // removing them is the plan); sum() over nodejs_active_handles and the others gives the same.
  for (const misnamed of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(misnamed);
  }

  // One series per status, 1 for the current one and 0 for the others (OpenMetrics' StateSet, as
  // kube-state-metrics does it): `== 1` finds failing checks, and a change never makes a series vanish.
  new Gauge({
    name: 'porchlight_check_status',
    help: 'Result of each check in the latest scan: 1 for its current status, 0 for the others.',
    labelNames: ['check', 'severity', 'status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const result of agent.lastReport()?.results ?? []) {
        for (const status of CHECK_STATUSES) {
          this.set({ check: result.checkId, severity: result.severity, status }, result.status === status ? 1 : 0);
        }
      }
    },
  });
  new Gauge({
    name: 'porchlight_check_open_findings',
    help: 'Findings that count against each check in the latest scan (not acknowledged, not only listed).',
    labelNames: ['check'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const result of agent.lastReport()?.results ?? []) {
        this.set({ check: result.checkId }, result.findings.filter(needsAttention).length);
      }
    },
  });
  new Gauge({
    name: 'porchlight_last_scan_timestamp_seconds',
    help: 'When the latest scan finished (Unix time); 0 before the first.',
    registers: [registry],
    collect() {
      this.set((agent.status().lastScanAt ?? 0) / 1000);
    },
  });
  new Gauge({
    name: 'porchlight_osqueryd_up',
    help: '1 while osqueryd runs and answers, 0 otherwise.',
    registers: [registry],
    collect() {
      this.set(agent.status().osquery.state === 'running' ? 1 : 0);
    },
  });

  const duration = new Histogram({
    name: 'porchlight_scan_duration_seconds',
    help: 'How long each scan took, osquery included.',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const scans = new Counter({
    name: 'porchlight_scans_total',
    help: 'Scans since the agent started, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const restarts = new Counter({
    name: 'porchlight_osqueryd_restarts_total',
    help: 'Times the supervisor restarted osqueryd since the agent started.',
    registers: [registry],
  });
  for (const outcome of ['finished', 'failed']) scans.inc({ outcome }, 0);

  const unsubscribe = [
    agent.on('scan-finished', (report) => {
      duration.observe(report.totalMs / 1000);
      scans.inc({ outcome: 'finished' });
    }),
    agent.on('scan-failed', () => scans.inc({ outcome: 'failed' })),
    agent.on('osquery-state', (status) => {
      if (status.state === 'restarting') restarts.inc();
    }),
  ];
  return {
    registry,
    close: () => {
      for (const off of unsubscribe) off();
      registry.clear();
    },
  };
}
