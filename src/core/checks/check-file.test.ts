import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../../test/helpers/standin.js';
import { decodeCheckFile, firstInvalidUtf8, MAX_CHECK_FILE_BYTES, readCheckFileText } from './check-file.js';

afterEach(removeTempDirs);

describe('reading a check or policy file', () => {
  it('reads UTF-8, without a byte-order mark', () => {
    expect(decodeCheckFile('p.yml', Buffer.from('\uFEFFname: café\n', 'utf8'))).toBe('name: café\n');
  });

  it('refuses UTF-16 (as Windows tools save it) in words, with or without a byte-order mark', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('apiVersion: v1\n', 'utf16le')]);
    expect(() => decodeCheckFile('p.yml', utf16)).toThrow('p.yml: is UTF-16 text (or binary), not UTF-8; save it as UTF-8');
    expect(() => decodeCheckFile('p.yml', Buffer.from('apiVersion: v1\n', 'utf16le'))).toThrow('is UTF-16 text (or binary)');
  });

  it('refuses text that is not UTF-8, saying on which line', () => {
    const latin1 = Buffer.from('apiVersion: v1\nkind: policy\nspec:\n  name: Caf\xe9\n', 'latin1');
    expect(() => decodeCheckFile('p.yml', latin1)).toThrow('p.yml: is not valid UTF-8 (line 4 has the byte 0xE9); save it as UTF-8');
    expect(firstInvalidUtf8(Buffer.from([0xe2, 0x82, 0xac, 0xc0, 0x80]))).toBe(3);
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from('ok ✓ 🔒', 'utf8'))).toBeUndefined();
  });

  it('refuses a file larger than a policy library can be, before reading it', () => {
    const file = path.join(tempDir(), 'huge.yml');
    writeFileSync(file, Buffer.alloc(MAX_CHECK_FILE_BYTES + 1, 0x20));
    expect(() => readCheckFileText(file)).toThrow(`${file}: is 8.0 MB; Porchlight reads check and policy files of up to 8.0 MB`);
  });
});
