/**
 * osquery's extension API on the wire: Thrift binary protocol over a buffered (unframed) transport.
 * The service definitions are written here from osquery.thrift's facts; the `thrift` package
 * does the byte-level protocol work.
 */
import thrift from 'thrift';

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
  | ThriftMapValue;
export type ThriftStruct = { kind: 'struct'; fields: Map<number, ThriftValue> };
export type ThriftMapValue = { kind: 'map'; entries: [ThriftValue, ThriftValue][] };

/** The subset of the `thrift` package's protocol object this module relies on. */
interface Protocol {
  writeMessageBegin(name: string, type: number, seqid: number): void;
  writeMessageEnd(): void;
  writeStructBegin(name: string): void;
  writeStructEnd(): void;
  writeFieldBegin(name: string, type: number, id: number): void;
  writeFieldEnd(): void;
  writeFieldStop(): void;
  writeMapBegin(ktype: number, vtype: number, size: number): void;
  writeMapEnd(): void;
  writeListBegin(etype: number, size: number): void;
  writeListEnd(): void;
  writeI32(value: number): void;
  writeI64(value: number | { buffer: Buffer }): void;
  writeString(value: string): void;
  flush(): void;
  readMessageBegin(): { fname: string; mtype: number; rseqid: number };
  readFieldBegin(): { ftype: number; fid: number };
  readMapBegin(): { ktype: number; vtype: number; size: number };
  readListBegin(): { etype: number; size: number };
  readSetBegin(): { etype: number; size: number };
  readBool(): boolean;
  readByte(): number;
  readI16(): number;
  readI32(): number;
  readI64(): { buffer: Buffer };
  readDouble(): number;
  readString(): string;
}

interface Transport {
  commitPosition(): void;
  rollbackPosition(): void;
}

type ProtocolCtor = new (transport: unknown, strictRead?: boolean, strictWrite?: boolean) => Protocol;
type TransportCtor = (new (buffer: undefined, onFlush: (msg: Buffer) => void) => unknown) & {
  receiver(callback: (reader: Transport) => void, seqid?: number, maxLength?: number): (data: Buffer) => void;
};

const lib = thrift as unknown as {
  TBinaryProtocol: ProtocolCtor;
  TBufferedTransport: TransportCtor;
  InputBufferUnderrunError: new () => Error;
};

export class ThriftDecodeError extends Error {
  override name = 'ThriftDecodeError';
}

/** Builds one complete message and returns its bytes. */
export function encodeMessage(header: MessageHeader, writeBody: (out: StructWriter) => void): Buffer {
  let bytes: Buffer | undefined;
  const transport = new lib.TBufferedTransport(undefined, (msg) => {
    bytes = msg;
  });
  const protocol = new lib.TBinaryProtocol(transport);
  protocol.writeMessageBegin(header.name, header.type, header.seqid);
  const writer = new StructWriter(protocol);
  writer.struct(() => writeBody(writer));
  protocol.writeMessageEnd();
  protocol.flush();
  if (!bytes) throw new Error('thrift transport produced no bytes');
  return bytes;
}

/** Writes struct fields; each helper writes one field with its id. */
export class StructWriter {
  constructor(private readonly protocol: Protocol) {}

  struct(body: () => void): void {
    this.protocol.writeStructBegin('');
    body();
    this.protocol.writeFieldStop();
    this.protocol.writeStructEnd();
  }

  stringField(id: number, value: string): void {
    this.protocol.writeFieldBegin('', TType.STRING, id);
    this.protocol.writeString(value);
    this.protocol.writeFieldEnd();
  }

  i32Field(id: number, value: number): void {
    this.protocol.writeFieldBegin('', TType.I32, id);
    this.protocol.writeI32(value);
    this.protocol.writeFieldEnd();
  }

  i64Field(id: number, value: bigint): void {
    this.protocol.writeFieldBegin('', TType.I64, id);
    this.protocol.writeI64({ buffer: i64Buffer(value) });
    this.protocol.writeFieldEnd();
  }

  structField(id: number, body: () => void): void {
    this.protocol.writeFieldBegin('', TType.STRUCT, id);
    this.struct(body);
    this.protocol.writeFieldEnd();
  }

  stringMapField(id: number, map: Record<string, string>): void {
    this.protocol.writeFieldBegin('', TType.MAP, id);
    this.stringMap(map);
    this.protocol.writeFieldEnd();
  }

  rowListField(id: number, rows: readonly Record<string, string>[]): void {
    this.protocol.writeFieldBegin('', TType.LIST, id);
    this.protocol.writeListBegin(TType.MAP, rows.length);
    for (const row of rows) this.stringMap(row);
    this.protocol.writeListEnd();
    this.protocol.writeFieldEnd();
  }

  /** map<K, struct>, with keys written by `writeKey` of type `keyType`. */
  structMapField<K>(
    id: number,
    keyType: number,
    entries: readonly [K, () => void][],
    writeKey: (key: K) => void,
  ): void {
    this.protocol.writeFieldBegin('', TType.MAP, id);
    this.protocol.writeMapBegin(keyType, TType.STRUCT, entries.length);
    for (const [key, body] of entries) {
      writeKey(key);
      this.struct(body);
    }
    this.protocol.writeMapEnd();
    this.protocol.writeFieldEnd();
  }

  rawString(value: string): void {
    this.protocol.writeString(value);
  }

  rawI64(value: bigint): void {
    this.protocol.writeI64({ buffer: i64Buffer(value) });
  }

  private stringMap(map: Record<string, string>): void {
    const keys = Object.keys(map);
    this.protocol.writeMapBegin(TType.STRING, TType.STRING, keys.length);
    for (const key of keys) {
      this.protocol.writeString(key);
      this.protocol.writeString(map[key] ?? '');
    }
    this.protocol.writeMapEnd();
  }
}

function i64Buffer(value: bigint): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(value);
  return buffer;
}

const MAX_DEPTH = 32;

function readValue(protocol: Protocol, type: number, depth: number): ThriftValue {
  if (depth > MAX_DEPTH) throw new ThriftDecodeError('thrift value nested too deeply');
  switch (type) {
    case TType.BOOL:
      return protocol.readBool();
    case TType.BYTE:
      return protocol.readByte();
    case TType.I16:
      return protocol.readI16();
    case TType.I32:
      return protocol.readI32();
    case TType.I64:
      return protocol.readI64().buffer.readBigInt64BE(0);
    case TType.DOUBLE:
      return protocol.readDouble();
    case TType.STRING:
      return protocol.readString();
    case TType.STRUCT:
      return readStruct(protocol, depth + 1);
    case TType.MAP: {
      const { ktype, vtype, size } = protocol.readMapBegin();
      checkSize(size);
      const entries: [ThriftValue, ThriftValue][] = [];
      for (let i = 0; i < size; i++) {
        entries.push([readValue(protocol, ktype, depth + 1), readValue(protocol, vtype, depth + 1)]);
      }
      return { kind: 'map', entries };
    }
    case TType.LIST:
    case TType.SET: {
      const { etype, size } = type === TType.LIST ? protocol.readListBegin() : protocol.readSetBegin();
      checkSize(size);
      const items: ThriftValue[] = [];
      for (let i = 0; i < size; i++) items.push(readValue(protocol, etype, depth + 1));
      return items;
    }
    default:
      throw new ThriftDecodeError(`unknown thrift type id ${type}`);
  }
}

function checkSize(size: number): void {
  if (size < 0 || size > MAX_MESSAGE_BYTES) throw new ThriftDecodeError(`invalid container size ${size}`);
}

function readStruct(protocol: Protocol, depth: number): ThriftStruct {
  const fields = new Map<number, ThriftValue>();
  for (;;) {
    const { ftype, fid } = protocol.readFieldBegin();
    if (ftype === TType.STOP) return { kind: 'struct', fields };
    fields.set(fid, readValue(protocol, ftype, depth));
  }
}

export interface DecodedMessage {
  header: MessageHeader;
  body: ThriftStruct;
}

/**
 * Accumulates bytes from a stream and emits every complete message. Throws (from `push`) when
 * the bytes cannot be a Thrift message, so the owner can drop the connection.
 */
export class MessageReader {
  private readonly receive: (data: Buffer) => void;

  constructor(onMessage: (message: DecodedMessage) => void) {
    this.receive = lib.TBufferedTransport.receiver(
      (transport) => {
        // Both osqueryd and Porchlight write strict headers; anything else is garbage, not a long name.
        const protocol = new lib.TBinaryProtocol(transport, true, true);
        for (;;) {
          let message: DecodedMessage;
          try {
            const begin = protocol.readMessageBegin();
            const body = readStruct(protocol, 0);
            message = { header: { name: begin.fname, type: begin.mtype, seqid: begin.rseqid }, body };
          } catch (error) {
            if (error instanceof lib.InputBufferUnderrunError) {
              transport.rollbackPosition();
              return;
            }
            throw error instanceof ThriftDecodeError ? error : new ThriftDecodeError(describe(error));
          }
          transport.commitPosition();
          onMessage(message);
        }
      },
      undefined,
      MAX_MESSAGE_BYTES,
    );
  }

  push(data: Buffer): void {
    this.receive(data);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String(error.message);
  return String(error);
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
  const out: Record<string, string> = {};
  if (!isMap(value)) return out;
  for (const [key, item] of value.entries) {
    if (typeof key === 'string') out[key] = typeof item === 'string' ? item : '';
  }
  return out;
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

export function writeStatus(out: StructWriter, status: ExtensionStatus): void {
  out.i32Field(1, status.code);
  out.stringField(2, status.message);
  out.i64Field(3, status.uuid);
}

export function writeResponse(out: StructWriter, response: ExtensionResponse): void {
  out.structField(1, () => writeStatus(out, response.status));
  out.rowListField(2, response.response);
}

/** TApplicationException {1: string message, 2: i32 type}, sent for an unknown method. */
export function readApplicationException(struct: ThriftStruct): string {
  return fieldString(struct, 1) || `application exception type ${fieldNumber(struct, 2)}`;
}
