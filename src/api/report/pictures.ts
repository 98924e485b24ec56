/**
 * The geometry and words of Porchlight's two pictures, shared by the window (React SVG) and the
 * HTML report (SVG text), so they cannot differ: a check's status over time as a strip of
 * coloured segments, and the last days as stacked bars. Positions are fractions of the picture.
 */
import { checkStatusText } from '../check-status-text.js';
import type { HistoryEntryDto, TrendDayDto } from '../contract.js';
import { localDateTime, plural } from './words.js';

export interface StripSegment {
  status: HistoryEntryDto['status'];
  /** Left edge and width, 0..1 of the strip. */
  x: number;
  width: number;
  /** What a person reads on hover or focus: the result, when it was seen, its summary. */
  label: string;
}

/** Narrower segments are widened to this, so a result seen once (or briefly) stays visible. */
const MIN_SEGMENT = 0.006;

/** The span a strip covers: from the first result to the last scan, unless given. */
export function stripRange(history: HistoryEntryDto[]): { from: number; to: number } {
  return { from: Math.min(...history.map((h) => h.firstAt)), to: Math.max(...history.map((h) => h.lastAt)) };
}

/**
 * One segment per result run, from when it was first seen until the next result was (the last
 * one until its last scan). Runs outside `range` are left out; an empty stretch means no scan.
 */
export function historyStrip(history: HistoryEntryDto[], range = stripRange(history)): StripSegment[] {
  const span = range.to - range.from;
  const segments: StripSegment[] = [];
  history.forEach((entry, i) => {
    const next = history[i + 1];
    const start = Math.max(entry.firstAt, range.from);
    const end = Math.min(next ? next.firstAt : entry.lastAt, range.to);
    if (end < range.from || start > range.to) return;
    // Results seen within one instant fill the strip; the latest is drawn last, on top.
    const width = span > 0 ? Math.max((end - start) / span, MIN_SEGMENT) : 1;
    const x = span > 0 ? Math.min((start - range.from) / span, 1 - width) : 0;
    segments.push({ status: entry.status, x, width, label: runLabel(entry) });
  });
  return segments;
}

/** "Fail, 2026-11-26 12:00 – 2026-11-27 09:00: No firewall is on" */
export function runLabel(entry: HistoryEntryDto): string {
  const when = entry.firstAt === entry.lastAt ? localDateTime(entry.firstAt) : `${localDateTime(entry.firstAt)} – ${localDateTime(entry.lastAt)}`;
  return `${checkStatusText(entry.status)}, ${when}${entry.summary ? `: ${entry.summary}` : ''}`;
}

/** The strip in one sentence, for its accessible name. */
export function stripSummary(title: string, history: HistoryEntryDto[]): string {
  if (history.length === 0) return `${title}: no history yet`;
  const { from, to } = stripRange(history);
  const latest = history.at(-1)!;
  return `${title} over time: ${plural(history.length, 'result')} from ${localDateTime(from)} to ${localDateTime(to)}; latest ${checkStatusText(latest.status)}`;
}

export type TrendPart = 'failed' | 'unknown' | 'passed';

export interface TrendBar {
  date: string;
  x: number;
  width: number;
  /** Stacked from the bottom: failed, could not tell, passed; y and height 0..1 of the picture's height. */
  parts: { kind: TrendPart; y: number; height: number }[];
  scanned: boolean;
  label: string;
}

export function trendDayLabel(day: TrendDayDto): string {
  if (day.scans === 0) return `${day.date}: no scan`;
  return `${day.date}: ${day.failed} failed, ${day.unknown} could not tell, ${day.passed} passed`;
}

/** One bar a day, scaled to the busiest day (every bar the same height when the checks did not change). */
export function trendBars(days: TrendDayDto[]): TrendBar[] {
  const tallest = Math.max(1, ...days.map((d) => d.failed + d.unknown + d.passed));
  const slot = 1 / Math.max(days.length, 1);
  return days.map((day, i) => {
    let bottom = 1;
    const parts: TrendBar['parts'] = [];
    for (const kind of ['failed', 'unknown', 'passed'] as const) {
      const height = day[kind] / tallest;
      if (height === 0) continue;
      bottom -= height;
      parts.push({ kind, y: bottom, height });
    }
    return { date: day.date, x: i * slot + slot * 0.1, width: slot * 0.8, parts, scanned: day.scans > 0, label: trendDayLabel(day) };
  });
}

/** The trend in one sentence, for its accessible name and a report's reader. */
export function trendSummary(days: TrendDayDto[]): string {
  const scanned = days.filter((d) => d.scans > 0);
  if (scanned.length === 0) return `Last ${plural(days.length, 'day')}: no scans recorded`;
  const latest = scanned.at(-1)!;
  return `Last ${plural(days.length, 'day')}: scanned on ${plural(scanned.length, 'day')}; latest, ${trendDayLabel(latest)}`;
}
