/**
 * osquery's extension API on the wire: Thrift's strict binary protocol over a buffered (unframed)
 * transport, as osqueryd's TBufferedTransport + TBinaryProtocol speak it. The service definitions
 * are written here from osquery.thrift's facts. Bytes are read and written straight from and to
 * Buffers: the `thrift` package's transport and protocol objects cost more per call than the
 * whole round trip's own work (its tests check this module's bytes against it).
 */

export const MessageType = { CALL: 1, REPLY: 2, EXCEPTION: 3, ONEWAY: 4 } as const;

/** Thrift field type ids (binary protocol). */
export const TType = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
} as const;

/** Largest message either side accepts; a bigger length prefix is treated as garbage. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export interface ExtensionStatus {
  code: number;
  message: string;
  uuid: bigint;
}

export interface ExtensionResponse {
  status: ExtensionStatus;
  response: Record<string, string>[];
}

export interface InternalOptionInfo {
  value: string;
  default_value: string;
  type: string;
}

export interface InternalExtensionInfo {
  name: string;
  version: string;
  sdk_version: string;
  min_sdk_version: string;
}

export interface MessageHeader {
  name: string;
  type: number;
  seqid: number;
}

/** A generically decoded Thrift value: structs become field-id maps, maps become entry lists. */
export type ThriftValue =
  | string
  | number
  | bigint
  | boolean
  | ThriftValue[]
  | ThriftStruct
  | ThriftMapValue
  | ThriftStringMap;
export type ThriftStruct = { kind: 'struct'; fields: Map<number, ThriftValue> };
export type ThriftMapValue = { kind: 'map'; entries: [ThriftValue, ThriftValue][] };
/** map<string,string>, osquery's row type, decoded straight into a record (the hot path). */
export type ThriftStringMap = { kind: 'stringMap'; record: Record<string, string> };

export class ThriftDecodeError extends Error {
  override name = 'ThriftDecodeError';
}

/** A strict header's first word: the version in the high half, the message type in the low byte. */
const STRICT_VERSION_MASK = 0xffff0000 | 0;
const STRICT_VERSION_1 = 0x80010000 | 0;

/** Builds one complete message and returns its bytes. */
export function encodeMessage(header: MessageHeader, writeBody: (out: StructWriter) => void): Buffer {
  const writer = new StructWriter();
  writeBody(writer);
  const name = Buffer.from(header.name, 'utf8');
  const fieldBytes = writer.fields.reduce((sum, field) => sum + 7 + field.bytes.length, 0);
  const out = Buffer.allocUnsafe(12 + name.length + fieldBytes + 1);
  let at = out.writeInt32BE(STRICT_VERSION_1 | header.type, 0);
  at = out.writeInt32BE(name.length, at);
  at += name.copy(out, at);
  at = out.writeInt32BE(header.seqid, at);
  for (const field of writer.fields) {
    at = out.writeUInt8(TType.STRING, at);
    at = out.writeInt16BE(field.id, at);
    at = out.writeInt32BE(field.bytes.length, at);
    at += field.bytes.copy(out, at);
  }
  out.writeUInt8(TType.STOP, at);
  return out;
}

/** The fields of a call's argument struct (osquery's calls take strings or nothing). */
export class StructWriter {
  readonly fields: { id: number; bytes: Buffer }[] = [];

  stringField(id: number, value: string): void {
    this.fields.push({ id, bytes: Buffer.from(value, 'utf8') });
  }
}

/** Reads binary-protocol values from one complete message, failing on anything that runs past it. */
class BinaryReader {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {}

  private take(count: number): number {
    const at = this.offset;
    if (at + count > this.bytes.length) throw new ThriftDecodeError('message ends early');
    this.offset = at + count;
    return at;
  }

  byte(): number {
    return this.bytes.readInt8(this.take(1));
  }

  i16(): number {
    return this.bytes.readInt16BE(this.take(2));
  }

  i32(): number {
    return this.bytes.readInt32BE(this.take(4));
  }

  i64(): bigint {
    return this.bytes.readBigInt64BE(this.take(8));
  }

  double(): number {
    return this.bytes.readDoubleBE(this.take(8));
  }

  size(): number {
    return checkedSize(this.i32());
  }

  string(): string {
    const length = this.size();
    const at = this.take(length);
    return this.bytes.toString('utf8', at, at + length);
  }
}

const MAX_DEPTH = 32;

function readValue(reader: BinaryReader, type: number, depth: number): ThriftValue {
  if (depth > MAX_DEPTH) throw new ThriftDecodeError('thrift value nested too deeply');
  switch (type) {
    case TType.BOOL:
      return reader.byte() !== 0;
    case TType.BYTE:
      return reader.byte();
    case TType.I16:
      return reader.i16();
    case TType.I32:
      return reader.i32();
    case TType.I64:
      return reader.i64();
    case TType.DOUBLE:
      return reader.double();
    case TType.STRING:
      return reader.string();
    case TType.STRUCT:
      return readStruct(reader, depth + 1);
    case TType.MAP: {
      const ktype = reader.byte();
      const vtype = reader.byte();
      const size = reader.size();
      if (ktype === TType.STRING && vtype === TType.STRING) {
        const record: Record<string, string> = {};
        for (let i = 0; i < size; i++) {
          const key = reader.string();
          record[key] = reader.string();
        }
        return { kind: 'stringMap', record };
      }
      const entries: [ThriftValue, ThriftValue][] = [];
      for (let i = 0; i < size; i++) {
        entries.push([readValue(reader, ktype, depth + 1), readValue(reader, vtype, depth + 1)]);
      }
      return { kind: 'map', entries };
    }
    case TType.LIST:
    case TType.SET: {
      const etype = reader.byte();
      const size = reader.size();
      const items: ThriftValue[] = [];
      for (let i = 0; i < size; i++) items.push(readValue(reader, etype, depth + 1));
      return items;
    }
    default:
      throw new ThriftDecodeError(`unknown thrift type id ${type}`);
  }
}

function checkSize(size: number): void {
  if (size < 0 || size > MAX_MESSAGE_BYTES) throw new ThriftDecodeError(`invalid container size ${size}`);
}

function readStruct(reader: BinaryReader, depth: number): ThriftStruct {
  const fields = new Map<number, ThriftValue>();
  for (;;) {
    const type = reader.byte();
    if (type === TType.STOP) return { kind: 'struct', fields };
    const id = reader.i16();
    fields.set(id, readValue(reader, type, depth));
  }
}

export interface DecodedMessage {
  header: MessageHeader;
  body: ThriftStruct;
}

type ScanFrame =
  | { kind: 'value'; type: number }
  | { kind: 'struct' }
  | { kind: 'container'; types: number[]; remaining: number; next: number };

const FIXED_SIZE: Partial<Record<number, number>> = {
  [TType.BOOL]: 1,
  [TType.BYTE]: 1,
  [TType.I16]: 2,
  [TType.I32]: 4,
  [TType.I64]: 8,
  [TType.DOUBLE]: 8,
};

/**
 * Finds where one message ends in an unframed stream without decoding it, resuming where it
 * stopped when more bytes arrive. Re-parsing from the start on every chunk (what a plain buffered
 * transport does) makes a large result cost quadratic time.
 */
class MessageBoundaryScanner {
  private stack: ScanFrame[] = [];
  private position = 0;
  private inBody = false;

  /** The length of the message at the start of `bytes`, once all of it is there. */
  scan(bytes: Buffer): number | undefined {
    const has = (count: number) => this.position + count <= bytes.length;
    if (!this.inBody) {
      if (!has(8)) return undefined;
      const version = bytes.readInt32BE(0);
      if ((version & STRICT_VERSION_MASK) !== STRICT_VERSION_1) {
        throw new ThriftDecodeError(`bad message header 0x${(version >>> 0).toString(16)}`);
      }
      const nameLength = bytes.readInt32BE(4);
      if (nameLength < 0 || nameLength > 1024) throw new ThriftDecodeError(`bad method name length ${nameLength}`);
      if (!has(12 + nameLength)) return undefined;
      this.position = 12 + nameLength;
      this.stack = [{ kind: 'struct' }];
      this.inBody = true;
    }
    while (this.stack.length > 0) {
      if (this.stack.length > MAX_DEPTH) throw new ThriftDecodeError('thrift value nested too deeply');
      const top = this.stack[this.stack.length - 1]!;
      if (top.kind === 'struct') {
        if (!has(1)) return undefined;
        const type = bytes[this.position]!;
        if (type === TType.STOP) {
          this.position += 1;
          this.stack.pop();
          continue;
        }
        if (!has(3)) return undefined;
        this.position += 3;
        this.stack.push({ kind: 'value', type });
      } else if (top.kind === 'container') {
        if (top.remaining === 0) {
          this.stack.pop();
          continue;
        }
        top.remaining--;
        const type = top.types[top.next++ % top.types.length]!;
        this.stack.push({ kind: 'value', type });
      } else if (!this.consumeValue(bytes, top.type, has)) {
        return undefined;
      }
    }
    const length = this.position;
    this.position = 0;
    this.inBody = false;
    return length;
  }

  /** Consumes the value on top of the stack; false when its bytes are not all there yet. */
  private consumeValue(bytes: Buffer, type: number, has: (count: number) => boolean): boolean {
    const fixed = FIXED_SIZE[type];
    if (fixed !== undefined) {
      if (!has(fixed)) return false;
      this.position += fixed;
      this.stack.pop();
      return true;
    }
    switch (type) {
      case TType.STRING: {
        if (!has(4)) return false;
        const size = checkedSize(bytes.readInt32BE(this.position));
        if (!has(4 + size)) return false;
        this.position += 4 + size;
        this.stack.pop();
        return true;
      }
      case TType.STRUCT:
        this.stack.pop();
        this.stack.push({ kind: 'struct' });
        return true;
      case TType.MAP: {
        if (!has(6)) return false;
        const size = checkedSize(bytes.readInt32BE(this.position + 2));
        const types = [bytes[this.position]!, bytes[this.position + 1]!];
        this.position += 6;
        this.stack.pop();
        this.stack.push({ kind: 'container', types, remaining: size * 2, next: 0 });
        return true;
      }
      case TType.LIST:
      case TType.SET: {
        if (!has(5)) return false;
        const size = checkedSize(bytes.readInt32BE(this.position + 1));
        const types = [bytes[this.position]!];
        this.position += 5;
        this.stack.pop();
        this.stack.push({ kind: 'container', types, remaining: size, next: 0 });
        return true;
      }
      default:
        throw new ThriftDecodeError(`unknown thrift type id ${type}`);
    }
  }
}

function checkedSize(size: number): number {
  checkSize(size);
  return size;
}

/**
 * Accumulates bytes from a stream and emits every complete message, decoded. Throws (from `push`) when the bytes cannot be a Thrift message, so
 * the owner can drop the connection.
 */
export class MessageReader {
  private buffer = Buffer.alloc(0);
  private length = 0;
  private readonly scanner = new MessageBoundaryScanner();

  constructor(private readonly onMessage: (message: DecodedMessage) => void) {}

  push(data: Buffer): void {
    this.append(data);
    for (;;) {
      const messageLength = this.scanner.scan(this.buffer.subarray(0, this.length));
      if (messageLength === undefined) {
        if (this.length > MAX_MESSAGE_BYTES) throw new ThriftDecodeError('message larger than the allowed maximum');
        return;
      }
      const message = decodeMessage(this.buffer.subarray(0, messageLength));
      this.buffer.copy(this.buffer, 0, messageLength, this.length);
      this.length -= messageLength;
      this.onMessage(message);
    }
  }

  private append(data: Buffer): void {
    if (this.length + data.length > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + data.length, 4096));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    data.copy(this.buffer, this.length);
    this.length += data.length;
  }
}

/** Decodes one complete message (strict header: version 1, type, name, seqid; then the body struct). */
function decodeMessage(bytes: Buffer): DecodedMessage {
  const reader = new BinaryReader(bytes);
  const word = reader.i32();
  if ((word & STRICT_VERSION_MASK) !== STRICT_VERSION_1) throw new ThriftDecodeError(`bad message header 0x${(word >>> 0).toString(16)}`);
  const name = reader.string();
  const seqid = reader.i32();
  const body = readStruct(reader, 0);
  return { header: { name, type: word & 0xff, seqid }, body };
}

// ---- Typed views of decoded values -------------------------------------------------------

export function fieldString(struct: ThriftStruct, id: number): string {
  const value = struct.fields.get(id);
  return typeof value === 'string' ? value : '';
}

export function fieldNumber(struct: ThriftStruct, id: number): number {
  const value = struct.fields.get(id);
  return typeof value === 'number' ? value : 0;
}

export function fieldBigint(struct: ThriftStruct, id: number): bigint {
  const value = struct.fields.get(id);
  return typeof value === 'bigint' ? value : 0n;
}

export function fieldStruct(struct: ThriftStruct, id: number): ThriftStruct | undefined {
  const value = struct.fields.get(id);
  return isStruct(value) ? value : undefined;
}

export function isStruct(value: ThriftValue | undefined): value is ThriftStruct {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.kind === 'struct';
}

function isMap(value: ThriftValue | undefined): value is ThriftMapValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.kind === 'map';
}

export function asStringMap(value: ThriftValue | undefined): Record<string, string> {
  if (isStringMap(value)) return value.record;
  const out: Record<string, string> = {};
  if (!isMap(value)) return out;
  for (const [key, item] of value.entries) {
    if (typeof key === 'string') out[key] = typeof item === 'string' ? item : '';
  }
  return out;
}

function isStringMap(value: ThriftValue | undefined): value is ThriftStringMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.kind === 'stringMap';
}

export function asMapEntries(value: ThriftValue | undefined): [ThriftValue, ThriftValue][] {
  return isMap(value) ? value.entries : [];
}

export function readStatus(struct: ThriftStruct | undefined): ExtensionStatus {
  if (!struct) return { code: 0, message: '', uuid: 0n };
  return { code: fieldNumber(struct, 1), message: fieldString(struct, 2), uuid: fieldBigint(struct, 3) };
}

export function readResponse(struct: ThriftStruct | undefined): ExtensionResponse {
  const rows = struct?.fields.get(2);
  return {
    status: readStatus(struct ? fieldStruct(struct, 1) : undefined),
    response: Array.isArray(rows) ? rows.map(asStringMap) : [],
  };
}

/** TApplicationException {1: string message, 2: i32 type}, sent for an unknown method. */
export function readApplicationException(struct: ThriftStruct): string {
  return fieldString(struct, 1) || `application exception type ${fieldNumber(struct, 2)}`;
}
