export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: string;
  /** Whether the target is met; absent for informational numbers. */
  ok?: boolean;
  /** Why this was not measured here. */
  skipped?: string;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? NaN;
}

export function report(results: BenchResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  return results
    .map((r) => {
      if (r.skipped) return `${r.name.padEnd(width)}  skipped: ${r.skipped}`;
      const value = r.value >= 100 ? r.value.toFixed(0) : r.value.toFixed(3);
      const verdict = r.ok === undefined ? '' : r.ok ? '  ok' : '  MISSED';
      return `${r.name.padEnd(width)}  ${`${value} ${r.unit}`.padStart(16)}  target ${r.target}${verdict}`;
    })
    .join('\n');
}
