import type { CommandIo } from './commands/command.js';

/** Lines are fitted to this when the output is not a terminal (a pipe, a file) and COLUMNS does not say. */
export const DEFAULT_WIDTH = 120;
const MIN_WIDTH = 40;

/** The width to fit output to: the terminal's, COLUMNS, or a default for pipes and files. */
export function outputWidth(io: Pick<CommandIo, 'columns' | 'env'>): number {
  const fromEnv = Number(io.env.COLUMNS);
  const width = io.columns ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_WIDTH);
  return Math.max(MIN_WIDTH, width);
}

/** Characters as a terminal counts them (code points; good enough for the text Porchlight prints). */
export function displayWidth(text: string): number {
  return [...text].length;
}

/** `text` cut to `width` characters, ending in "…" when cut. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 1 ? '…'.slice(0, width) : chars.slice(0, width - 1).join('') + '…';
}

/** `text` padded with spaces to `width` (or cut to it). */
export function fit(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + ' '.repeat(Math.max(0, width - displayWidth(cut)));
}

/** The first line of a paragraph, for one-line displays. */
export function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0]?.trim() ?? '';
}

/** "1 policy", "3 policies". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? singular : plural}`;
}

/** Words laid out in lines of at most `width` characters (a longer word is cut); later lines start with `indent`. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lead = /^ */.exec(text)![0];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const room = width - displayWidth(lines.length ? indent : lead);
    if (line && displayWidth(line) + 1 + displayWidth(word) > room) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} ${word}` : truncate(word, room);
  }
  if (line) lines.push(line);
  return lines.map((each, i) => (i === 0 ? lead : indent) + each);
}
