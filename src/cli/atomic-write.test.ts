import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../test/helpers/standin.js';
import { writeFileAtomically } from './atomic-write.js';

afterEach(removeTempDirs);

describe('writeFileAtomically', () => {
  it('replaces the file whole, readable only by this user, and leaves nothing else behind', () => {
    const dir = tempDir();
    const file = path.join(dir, 'report.html');
    writeFileSync(file, 'old', { mode: 0o644 });
    writeFileAtomically(file, 'new report');
    expect(readFileSync(file, 'utf8')).toBe('new report');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['report.html']);
  });

  it('keeps the old file and removes its temporary one when the write cannot finish', () => {
    const dir = tempDir();
    const file = path.join(dir, 'report.html');
    mkdirSync(file);
    writeFileSync(path.join(file, 'inside'), 'x');
    // A non-empty folder cannot be renamed over: the write fails at its last step.
    expect(() => writeFileAtomically(file, 'new')).toThrow();
    expect(readdirSync(dir)).toEqual(['report.html']);
    expect(() => writeFileAtomically(path.join(dir, 'missing', 'report.html'), 'new')).toThrow(/ENOENT/);
  });
});
