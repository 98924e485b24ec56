import { readFileSync, statSync } from 'node:fs';

/** A check file (or one document of it) that cannot be used; the message names the file, the document and the field. */
export class CheckFileError extends Error {
  override name = 'CheckFileError';
  constructor(
    readonly file: string,
    readonly document: number | undefined,
    detail: string,
  ) {
    super(`${file}${document === undefined ? '' : `, document ${document}`}: ${detail}`);
  }
}

/** Fleet's largest published library (CIS Windows 11) is 0.7 MB; ten times that is still a policy file. */
export const MAX_CHECK_FILE_BYTES = 8 * 1024 * 1024;

/** Reads a check or policy file as UTF-8 text, refusing in words what is too big or not UTF-8. */
export function readCheckFileText(file: string): string {
  const size = statSync(file).size;
  if (size > MAX_CHECK_FILE_BYTES) throw new CheckFileError(file, undefined, tooBig(size));
  return decodeCheckFile(file, readFileSync(file));
}

/** The text of a check file's bytes: UTF-8 (a byte-order mark is dropped); UTF-16 and invalid UTF-8 are refused. */
export function decodeCheckFile(file: string, bytes: Buffer): string {
  if (bytes.length > MAX_CHECK_FILE_BYTES) throw new CheckFileError(file, undefined, tooBig(bytes.length));
  const utf16 =
    (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || bytes.subarray(0, 4096).includes(0);
  if (utf16) {
    throw new CheckFileError(file, undefined, 'is UTF-16 text (or binary), not UTF-8; save it as UTF-8 (in Notepad: Save as › Encoding › UTF-8)');
  }
  const invalid = firstInvalidUtf8(bytes);
  if (invalid !== undefined) {
    const line = bytes.subarray(0, invalid).toString('latin1').split('\n').length;
    const byte = bytes[invalid]!.toString(16).toUpperCase().padStart(2, '0');
    throw new CheckFileError(file, undefined, `is not valid UTF-8 (line ${line} has the byte 0x${byte}); save it as UTF-8`);
  }
  const text = bytes.toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function tooBig(size: number): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `is ${mb(size)}; Porchlight reads check and policy files of up to ${mb(MAX_CHECK_FILE_BYTES)}`;
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629), if any. */
export function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let min: number;
    if (lead >= 0xc2 && lead <= 0xdf) [length, min] = [2, 0x80];
    else if (lead >= 0xe0 && lead <= 0xef) [length, min] = [3, 0x800];
    else if (lead >= 0xf0 && lead <= 0xf4) [length, min] = [4, 0x10000];
    else return i;
    let code = lead & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += length;
  }
  return undefined;
}
