import { describe, expect, it } from 'vitest';
import {
  encodeMessage,
  fieldStruct,
  MessageReader,
  MessageType,
  readResponse,
  type DecodedMessage,
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
