/**
 * The stand-in's own Thrift binary-protocol encoder, written straight from the protocol spec and
 * independent of the product's client (which uses the `thrift` package), so a mistake on one side
 * cannot hide behind the same mistake on the other. It is also fast enough for large results.
 */
export const T = { STOP: 0, I32: 8, I64: 10, STRING: 11, STRUCT: 12, MAP: 13, LIST: 15 } as const;

const VERSION_1 = 0x80010000;

export class BinaryWriter {
  private buffer = Buffer.allocUnsafe(4096);
  private length = 0;

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  messageBegin(name: string, type: number, seqid: number): this {
    this.i32((VERSION_1 | type) >> 0);
    this.string(name);
    return this.i32(seqid);
  }

  fieldBegin(type: number, id: number): this {
    this.byte(type);
    this.ensure(2);
    this.buffer.writeInt16BE(id, this.length);
    this.length += 2;
    return this;
  }

  fieldStop(): this {
    return this.byte(T.STOP);
  }

  mapBegin(keyType: number, valueType: number, size: number): this {
    this.byte(keyType);
    this.byte(valueType);
    return this.i32(size);
  }

  listBegin(elementType: number, size: number): this {
    this.byte(elementType);
    return this.i32(size);
  }

  byte(value: number): this {
    this.ensure(1);
    this.buffer[this.length++] = value;
    return this;
  }

  i32(value: number): this {
    this.ensure(4);
    this.buffer.writeInt32BE(value, this.length);
    this.length += 4;
    return this;
  }

  i64(value: bigint): this {
    this.ensure(8);
    this.buffer.writeBigInt64BE(value, this.length);
    this.length += 8;
    return this;
  }

  string(value: string): this {
    const size = Buffer.byteLength(value);
    this.i32(size);
    this.ensure(size);
    this.buffer.write(value, this.length, 'utf8');
    this.length += size;
    return this;
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

export interface Status {
  code: number;
  message: string;
}

/** ExtensionStatus {1: i32 code, 2: string message, 3: i64 uuid} as field `id`. */
export function writeStatusField(out: BinaryWriter, id: number, status: Status): void {
  out.fieldBegin(T.STRUCT, id);
  out.fieldBegin(T.I32, 1).i32(status.code);
  out.fieldBegin(T.STRING, 2).string(status.message);
  out.fieldBegin(T.I64, 3).i64(0n);
  out.fieldStop();
}

/** ExtensionResponse {1: ExtensionStatus status, 2: list<map<string,string>> response} as field `id`. */
export function writeResponseField(out: BinaryWriter, id: number, status: Status, rows: Record<string, string>[]): void {
  out.fieldBegin(T.STRUCT, id);
  writeStatusField(out, 1, status);
  out.fieldBegin(T.LIST, 2).listBegin(T.MAP, rows.length);
  for (const row of rows) {
    const keys = Object.keys(row);
    out.mapBegin(T.STRING, T.STRING, keys.length);
    for (const key of keys) out.string(key).string(row[key] ?? '');
  }
  out.fieldStop();
}
