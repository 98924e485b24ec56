import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Settings } from '../settings/settings.js';
import type { FindingChanges, HistoryStore, StatusChange } from '../store/history-store.js';
import { acknowledgementKey, findingId, type OwnerConfirmation } from '../store/history-store.js';
import type { Finding } from './classifiers.js';
import type { Platform } from '../platform.js';
import type { CheckDefinition, CheckStatus, LoadedCheck } from './definition.js';
import { runCheck, type QueryRunner, type RawOutcome } from './runner.js';
import { errorMessage } from '../error-message.js';

export interface ResultFinding extends Finding {
  id: string;
  acknowledged: boolean;
}

/** Where a check comes from, as the owner groups them: Porchlight's own, one of their files, or an imported set. */
export interface ResultSource {
  kind: 'builtin' | 'user' | 'fleet';
  /** "Built-in", the file's name, or the imported set's name. */
  name: string;
}

export function resultSource(check: LoadedCheck): ResultSource {
  const { origin, file, set } = check.source;
  if (origin === 'builtin') return { kind: 'builtin', name: 'Built-in' };
  if (origin === 'fleet') return { kind: 'fleet', name: set ?? path.basename(file ?? '') };
  return { kind: 'user', name: path.basename(file ?? '') };
}

/** What a result says about the check it is of, whichever way it was judged. */
export function resultIdentity(check: LoadedCheck): Pick<CheckResult, 'checkId' | 'title' | 'category' | 'severity' | 'source' | 'resolution'> {
  return {
    checkId: check.id,
    title: check.title,
    category: check.category,
    severity: check.severity,
    source: resultSource(check),
    resolution: check.remediation.summary,
  };
}

export interface CheckResult {
  checkId: string;
  title: string;
  category: CheckDefinition['category'];
  severity: CheckDefinition['severity'];
  source: ResultSource;
  /** What to do about it: the check's remediation in one paragraph (Fleet's `resolution` for an imported policy). */
  resolution: string;
  status: CheckStatus;
  /** One line a person reads. */
  summary: string;
  /** Why a check is unknown or errored (osquery's own message for errors). */
  reason: string;
  findings: ResultFinding[];
  /** For an unknown check the owner looked at themselves: their word, dated. The status stays unknown. */
  confirmation: OwnerConfirmation | null;
  queryMs: number;
}

/** A check whose verdict changed since its previous result. */
export interface CheckChange {
  checkId: string;
  title: string;
  source: ResultSource;
}

/**
 * What changed since the previous scan: findings new and resolved, and policy checks (which have
 * no findings) that started failing or stopped failing.
 */
export interface ScanChanges extends FindingChanges {
  failing: CheckChange[];
  fixed: CheckChange[];
}

export interface ScanReport {
  scanId: number;
  trigger: string;
  platform: Platform;
  startedAt: number;
  finishedAt: number;
  results: CheckResult[];
  /** What changed since the previous scan. */
  changes: ScanChanges;
  /** Time spent waiting for osquery, and the whole scan. */
  osqueryMs: number;
  totalMs: number;
}

export class ScanFailedError extends Error {
  override name = 'ScanFailedError';
}

export interface ScannerDeps {
  osquery: QueryRunner;
  store: HistoryStore;
  checks: () => LoadedCheck[];
  settings: () => Settings;
  platform: Platform;
  now?: () => number;
}

const PLATFORM_NAMES: Record<Platform, string> = { darwin: 'macOS', linux: 'Linux', windows: 'Windows' };

/** Runs the enabled checks once, records the results and says what changed. */
export class Scanner {
  private readonly now: () => number;

  constructor(private readonly deps: ScannerDeps) {
    this.now = deps.now ?? Date.now;
  }

  async scan(options: { trigger: string; only?: string[] }): Promise<ScanReport> {
    const settings = this.deps.settings();
    const checks = this.deps
      .checks()
      .filter((check) => (options.only ? options.only.includes(check.id) : !settings.disabledChecks.includes(check.id)));
    const startedAt = this.now();
    const started = performance.now();
    const store = this.deps.store;
    const scanId = store.beginScan(options.trigger, startedAt);
    const outcomes: [LoadedCheck, RawOutcome, number][] = [];
    try {
      for (const check of checks) {
        const context = { listenerAllowlist: settings.listenerAllowlist, platform: this.deps.platform, baseline: this.classifierBaseline(check) };
        const { outcome, queryMs } = await runCheck(check, this.deps.platform, this.deps.osquery, context);
        if (outcome.kind === 'error' && outcome.connectionLost) throw new ScanFailedError(outcome.reason);
        outcomes.push([check, outcome, queryMs]);
      }
    } catch (error) {
      const message = errorMessage(error);
      store.failScan(scanId, message, this.now());
      throw error instanceof ScanFailedError ? error : new ScanFailedError(message);
    }

    const decisions = ownerDecisions(store, startedAt);
    const results = outcomes.map(([check, outcome, queryMs]) => this.result(check, outcome, queryMs, decisions, startedAt));
    const finishedAt = this.now();
    let changes: ScanChanges;
    try {
      const recorded = store.finishScan(
        scanId,
        results.map((result) => ({
          checkId: result.checkId,
          status: result.status,
          summary: result.summary,
          reason: result.reason,
          findings: result.status === 'pass' || result.status === 'fail' ? result.findings : undefined,
        })),
        finishedAt,
      );
      changes = { new: recorded.new, resolved: recorded.resolved, ...policyChanges(recorded.statusChanges, outcomes.map(([check]) => check)) };
    } catch (error) {
      const message = `the results could not be saved: ${errorMessage(error)}`;
      store.failScan(scanId, message, this.now());
      throw new ScanFailedError(message);
    }
    store.applyRetention(settings.retentionDays, finishedAt);
    return {
      scanId,
      trigger: options.trigger,
      platform: this.deps.platform,
      startedAt,
      finishedAt,
      results,
      changes,
      osqueryMs: results.reduce((sum, r) => sum + r.queryMs, 0),
      totalMs: performance.now() - started,
    };
  }

  private result(
    check: LoadedCheck,
    outcome: RawOutcome,
    queryMs: number,
    decisions: OwnerDecisions,
    at: number,
  ): CheckResult {
    const base = {
      ...resultIdentity(check),
      queryMs,
      reason: '',
      confirmation: null,
    };
    switch (outcome.kind) {
      case 'not_applicable':
        return { ...base, status: 'not_applicable', summary: `Not checked on ${PLATFORM_NAMES[this.deps.platform]}`, findings: [] };
      case 'manual':
        return { ...base, status: 'manual', summary: 'Check by hand: osquery cannot tell', findings: [] };
      case 'unknown': {
        // Only a check that asks for the owner's word can carry it (one stored before an update made it readable cannot).
        const confirmable = check.queries[this.deps.platform]?.selfCheck?.confirmation !== undefined;
        const confirmations = confirmable ? decisions.confirmations : new Map<string, OwnerConfirmation>();
        return judgeUnknown({ ...base, status: 'unknown', summary: '', reason: outcome.reason, findings: [] }, confirmations);
      }
      case 'error':
        return { ...base, status: 'error', summary: 'The check could not run', reason: outcome.reason, findings: [] };
      case 'policy': {
        const evaluation = check.evaluation.kind === 'policy' ? check.evaluation : undefined;
        const passSummary = evaluation?.passSummary ?? 'Passed';
        return outcome.passed
          ? { ...base, status: 'pass', summary: outcome.detail ? `${passSummary} (${outcome.detail})` : passSummary, findings: [] }
          : { ...base, status: 'fail', summary: evaluation?.failSummary ?? 'Failed', findings: [] };
      }
      case 'findings': {
        const findings = this.applyBaseline(check, outcome.findings, at).map((finding) => ({ ...finding, id: findingId(check.id, finding.key) }));
        return { ...base, ...judgeFindings(check.id, findings, decisions.acknowledged) };
      }
    }
  }

  /** The baseline a classifier judges against (it decides itself what is new), when its check keeps one. */
  private classifierBaseline(check: LoadedCheck): ReadonlySet<string> | undefined {
    const evaluation = check.evaluation;
    if (evaluation.kind !== 'findings' || !evaluation.baseline || !evaluation.classifier) return undefined;
    return this.deps.store.baseline(check.id);
  }

  /**
   * A baseline check's first scan accepts what is there. Later scans report only additions, or,
   * with a classifier, what the classifier made of the baseline it was given.
   */
  private applyBaseline(check: LoadedCheck, findings: Finding[], at: number): Finding[] {
    if (check.evaluation.kind !== 'findings' || !check.evaluation.baseline) return findings;
    const baseline = this.deps.store.baseline(check.id);
    if (!baseline) {
      this.deps.store.setBaseline(check.id, findings.map((f) => f.key), at);
      return check.evaluation.classifier ? findings : [];
    }
    return check.evaluation.classifier ? findings : findings.filter((finding) => !baseline.has(finding.key));
  }
}

/** Policy checks (their findings say the rest) that started failing, or stopped failing, in this scan. */
function policyChanges(changes: StatusChange[], checks: LoadedCheck[]): Pick<ScanChanges, 'failing' | 'fixed'> {
  const byId = new Map(checks.map((check) => [check.id, check]));
  const failing: CheckChange[] = [];
  const fixed: CheckChange[] = [];
  for (const { checkId, from, to } of changes) {
    const check = byId.get(checkId);
    if (check?.evaluation.kind !== 'policy') continue;
    const change = { checkId, title: check.title, source: resultSource(check) };
    if (to === 'fail') failing.push(change);
    else if (from === 'fail' && to === 'pass') fixed.push(change);
  }
  return { failing, fixed };
}

/** A finding that fails its check: counted (its kind is not disabled) and not acknowledged. */
export function needsAttention(finding: ResultFinding): boolean {
  return finding.counted && !finding.acknowledged;
}

/** Marks the acknowledged findings, and gives a finding check's verdict: it fails while one needs attention. */
function judgeFindings(
  checkId: string,
  found: (Finding & { id: string })[],
  acknowledged: Set<string>,
): { status: 'pass' | 'fail'; summary: string; findings: ResultFinding[] } {
  const findings = found.map((f) => ({ ...f, acknowledged: acknowledged.has(acknowledgementKey(checkId, f.key)) }));
  const open = findings.filter(needsAttention).length;
  const acknowledgedCount = findings.filter((f) => f.counted && f.acknowledged).length;
  const listed = findings.filter((f) => !f.counted).length;
  const others = [acknowledgedCount && `${acknowledgedCount} acknowledged`, listed && `${listed} listed for you to see`].filter(Boolean).join(', ');
  const extra = others ? ` (${others})` : '';
  if (open > 0) {
    return { status: 'fail', summary: `${open} ${open === 1 ? 'finding needs' : 'findings need'} attention${extra}`, findings };
  }
  return { status: 'pass', summary: findings.length ? `Nothing needs attention${extra}` : 'Nothing found', findings };
}

/** What the owner decided about findings and checks, as of one moment. */
export interface OwnerDecisions {
  /** Acknowledged findings, by `acknowledgementKey`. */
  acknowledged: Set<string>;
  /** The owner's confirmations in force, by check id. */
  confirmations: Map<string, OwnerConfirmation>;
}

export function ownerDecisions(store: Pick<HistoryStore, 'acknowledgedKeys' | 'confirmations'>, at: number): OwnerDecisions {
  return { acknowledged: store.acknowledgedKeys(at), confirmations: store.confirmations(at) };
}

/** An unknown result, with the owner's confirmation when they gave one: still unknown, said as theirs. */
function judgeUnknown(result: CheckResult, confirmations: Map<string, OwnerConfirmation>): CheckResult {
  const confirmation = confirmations.get(result.checkId) ?? null;
  const summary = confirmation
    ? `Confirmed by you on ${new Date(confirmation.confirmedAt).toISOString().slice(0, 10)}: ${confirmation.statement}`
    : `Cannot tell: ${result.reason}`;
  return { ...result, summary, confirmation };
}

/** The latest results again after the owner acknowledged a finding or confirmed a check, without asking osquery. */
export function withOwnerDecisions(report: ScanReport, decisions: OwnerDecisions): ScanReport {
  return {
    ...report,
    results: report.results.map((result) => {
      if (result.status === 'unknown') return judgeUnknown(result, decisions.confirmations);
      if (result.status !== 'pass' && result.status !== 'fail') return result;
      if (result.findings.length === 0) return result;
      return { ...result, ...judgeFindings(result.checkId, result.findings, decisions.acknowledged) };
    }),
  };
}
