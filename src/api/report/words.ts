/** Words and dates reports and the window's pictures share. */
import type { Status } from '../contract.js';

export const PLATFORM_NAMES: Record<Status['platform'], string> = { darwin: 'macOS', linux: 'Linux', windows: 'Windows' };

const pad = (n: number) => String(n).padStart(2, '0');

/** YYYY-MM-DD HH:MM in this computer's time zone: the same in the CLI, the window and a printed page. */
export function localDateTime(ms: number): string {
  const date = new Date(ms);
  return `${localDate(ms)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function localDate(ms: number): string {
  const date = new Date(ms);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The local time zone as an offset from UTC at `ms`, e.g. UTC+01:00. */
export function utcOffset(ms: number): string {
  const minutes = -new Date(ms).getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  return `UTC${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
