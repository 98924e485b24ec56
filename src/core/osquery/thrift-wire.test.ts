import thrift from 'thrift';
import { describe, expect, it } from 'vitest';
import {
  encodeMessage,
  fieldStruct,
  MessageReader,
  MessageType,
  readResponse,
  TType,
  type DecodedMessage,
  type ThriftStruct,
} from './thrift-wire.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const str = (text: string) => {
  const len = Buffer.alloc(4);
  len.writeInt32BE(Buffer.byteLength(text));
  return Buffer.concat([len, Buffer.from(text)]);
};

describe('osquery Thrift wire format (checked against the binary protocol spec by hand)', () => {
  it('encodes query(sql) as a strict binary CALL with field 1 as a string', () => {
    const bytes = encodeMessage({ name: 'query', type: MessageType.CALL, seqid: 7 }, (out) => out.stringField(1, 'select 1'));
    const expected = Buffer.concat([
      hex('80 01 00 01'), // version 1, CALL
      str('query'),
      hex('00 00 00 07'), // seqid
      hex('0b 00 01'), // field 1: STRING
      str('select 1'),
      hex('00'), // STOP
    ]);
    expect(bytes.toString('hex')).toBe(expected.toString('hex'));
  });

  it('decodes an ExtensionResponse reply written by hand, split across chunks', () => {
    const reply = Buffer.concat([
      hex('80 01 00 02'),
      str('query'),
      hex('00 00 00 07'),
      hex('0c 00 00'), // field 0 (success): STRUCT ExtensionResponse
      hex('0c 00 01'), // status: STRUCT ExtensionStatus
      hex('08 00 01 00 00 00 00'), // code = 0
      hex('0b 00 02'),
      str('OK'),
      hex('0a 00 03 00 00 00 00 00 00 00 2a'), // uuid = 42
      hex('00'),
      hex('0f 00 02 0d 00 00 00 01'), // response: list<map>, 1 element
      hex('0b 0b 00 00 00 02'), // map<string,string>, 2 entries
      str('name'),
      str('launchd'),
      str('pid'),
      str('1'),
      hex('00'), // end ExtensionResponse
      hex('00'), // end result struct
    ]);
    const messages: DecodedMessage[] = [];
    const reader = new MessageReader((message) => messages.push(message));
    for (let i = 0; i < reply.length; i += 5) reader.push(reply.subarray(i, i + 5));
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.header).toEqual({ name: 'query', type: MessageType.REPLY, seqid: 7 });
    const response = readResponse(fieldStruct(message!.body, 0));
    expect(response.status).toEqual({ code: 0, message: 'OK', uuid: 42n });
    expect(response.response).toEqual([{ name: 'launchd', pid: '1' }]);
  });

  it('emits two messages that arrive in one chunk', () => {
    const one = encodeMessage({ name: 'ping', type: MessageType.CALL, seqid: 1 }, () => undefined);
    const two = encodeMessage({ name: 'ping', type: MessageType.CALL, seqid: 2 }, () => undefined);
    const seen: number[] = [];
    new MessageReader((m) => seen.push(m.header.seqid)).push(Buffer.concat([one, two]));
    expect(seen).toEqual([1, 2]);
  });

  it('rejects bytes that are not a Thrift message', () => {
    const reader = new MessageReader(() => undefined);
    expect(() => reader.push(hex('12 34 56 78 00 00 00 00 ff ff ff ff'))).toThrow();
  });
});

/** The `thrift` package's own binary protocol: what osquery-python and Thrift's other clients write. */
interface ReferenceProtocol {
  writeMessageBegin(name: string, type: number, seqid: number): void;
  writeMessageEnd(): void;
  writeStructBegin(name: string): void;
  writeStructEnd(): void;
  writeFieldBegin(name: string, type: number, id: number): void;
  writeFieldEnd(): void;
  writeFieldStop(): void;
  writeString(value: string): void;
  writeI32(value: number): void;
  writeI64(value: number): void;
  writeBool(value: boolean): void;
  writeDouble(value: number): void;
  writeListBegin(type: number, size: number): void;
  writeListEnd(): void;
  writeMapBegin(ktype: number, vtype: number, size: number): void;
  writeMapEnd(): void;
  flush(): void;
}
const reference = thrift as unknown as {
  TBinaryProtocol: new (transport: unknown) => ReferenceProtocol;
  TBufferedTransport: new (buffer: undefined, onFlush: (bytes: Buffer) => void) => unknown;
};

function referenceMessage(name: string, type: number, seqid: number, body: (out: ReferenceProtocol) => void): Buffer {
  let bytes: Buffer | undefined;
  const out = new reference.TBinaryProtocol(new reference.TBufferedTransport(undefined, (written) => (bytes = written)));
  out.writeMessageBegin(name, type, seqid);
  out.writeStructBegin('');
  body(out);
  out.writeFieldStop();
  out.writeStructEnd();
  out.writeMessageEnd();
  out.flush();
  return bytes!;
}

describe('osquery Thrift wire format, against the `thrift` package', () => {
  it('writes a call byte for byte as Thrift\'s own binary protocol does, multi-byte text included', () => {
    const sql = "SELECT name FROM users WHERE description = 'Zoë — 日本'";
    const ours = encodeMessage({ name: 'query', type: MessageType.CALL, seqid: 123456 }, (out) => out.stringField(1, sql));
    const theirs = referenceMessage('query', MessageType.CALL, 123456, (out) => {
      out.writeFieldBegin('sql', TType.STRING, 1);
      out.writeString(sql);
      out.writeFieldEnd();
    });
    expect(ours.toString('hex')).toBe(theirs.toString('hex'));
  });

  it('reads what Thrift\'s own binary protocol writes: every type osquery sends, nested', () => {
    const bytes = referenceMessage('options', MessageType.REPLY, 9, (out) => {
      out.writeFieldBegin('success', TType.STRUCT, 0);
      out.writeStructBegin('');
      out.writeFieldBegin('code', TType.I32, 1);
      out.writeI32(-3);
      out.writeFieldEnd();
      out.writeFieldBegin('uuid', TType.I64, 3);
      out.writeI64(-2);
      out.writeFieldEnd();
      out.writeFieldBegin('flag', TType.BOOL, 4);
      out.writeBool(true);
      out.writeFieldEnd();
      out.writeFieldBegin('ratio', TType.DOUBLE, 5);
      out.writeDouble(0.25);
      out.writeFieldEnd();
      out.writeFieldBegin('rows', TType.LIST, 2);
      out.writeListBegin(TType.MAP, 2);
      for (const row of [{ name: 'Zoë', pid: '1' }, {}]) {
        out.writeMapBegin(TType.STRING, TType.STRING, Object.keys(row).length);
        for (const [key, value] of Object.entries(row)) {
          out.writeString(key);
          out.writeString(value);
        }
        out.writeMapEnd();
      }
      out.writeListEnd();
      out.writeFieldEnd();
      out.writeFieldStop();
      out.writeStructEnd();
      out.writeFieldEnd();
    });
    const messages: DecodedMessage[] = [];
    new MessageReader((message) => messages.push(message)).push(bytes);
    expect(messages[0]!.header).toEqual({ name: 'options', type: MessageType.REPLY, seqid: 9 });
    const success = fieldStruct(messages[0]!.body, 0) as ThriftStruct;
    expect([...success.fields.entries()].filter(([id]) => id !== 2)).toEqual([
      [1, -3],
      [3, -2n],
      [4, true],
      [5, 0.25],
    ]);
    expect(readResponse(success).response).toEqual([{ name: 'Zoë', pid: '1' }, {}]);
  });
});
