import { randomBytes } from 'node:crypto';
import net from 'node:net';
import {
  encodeMessage,
  fieldString,
  MessageReader,
  MessageType,
  TType,
  writeResponse,
  writeStatus,
  type DecodedMessage,
  type ExtensionResponse,
  type StructWriter,
} from '../../src/core/osquery/thrift-wire.js';
import type { Faults } from './faults.js';
import { StandinSqlError, type StandinSqlEngine } from './sql-engine.js';

export interface ServerHooks {
  engine: StandinSqlEngine;
  faults: Faults;
  options: Record<string, string>;
  /** Called before answering the n-th query (1-based). */
  onQuery: (count: number) => void;
}

const UNKNOWN_METHOD = 1;

/** osquery's ExtensionManager service on a socket: the methods Porchlight and osqueryi use. */
export function createExtensionManagerServer(hooks: ServerHooks): net.Server {
  let queries = 0;
  let pings = 0;
  return net.createServer((socket) => {
    const reader = new MessageReader((message) => {
      void answer(message).then((bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      });
    });
    socket.on('data', (data: Buffer) => {
      try {
        reader.push(data);
      } catch {
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
  });

  async function answer(message: DecodedMessage): Promise<Buffer> {
    const { name, seqid } = message.header;
    if (hooks.faults.slowMs > 0) await new Promise((resolve) => setTimeout(resolve, hooks.faults.slowMs));
    if (hooks.faults.garbage) return randomBytes(64);
    const reply = (body: (out: StructWriter) => void): Buffer =>
      encodeMessage({ name, type: MessageType.REPLY, seqid }, body);
    switch (name) {
      case 'ping': {
        const failAfter = hooks.faults.pingFailAfter;
        const failing = failAfter !== undefined && ++pings > failAfter;
        return reply((out) =>
          out.structField(0, () => writeStatus(out, failing ? { code: 1, message: 'stand-in ping failure', uuid: 0n } : ok())),
        );
      }
      case 'query':
      case 'getQueryColumns': {
        const sql = fieldString(message.body, 1);
        if (name === 'query') hooks.onQuery(++queries);
        const response = run(() => (name === 'query' ? hooks.engine.query(sql) : hooks.engine.columns(sql)));
        return reply((out) => out.structField(0, () => writeResponse(out, response)));
      }
      case 'options':
        return reply((out) =>
          out.structMapField(
            0,
            TType.STRING,
            Object.entries(hooks.options).map(([key, value]) => [
              key,
              () => {
                out.stringField(1, value);
                out.stringField(2, '');
                out.stringField(3, 'string');
              },
            ]),
            (key) => out.rawString(key),
          ),
        );
      case 'extensions':
        return reply((out) => out.structMapField<bigint>(0, TType.I64, [], (key) => out.rawI64(key)));
      default:
        return encodeMessage({ name, type: MessageType.EXCEPTION, seqid }, (out) => {
          out.stringField(1, `Invalid method name: '${name}'`);
          out.i32Field(2, UNKNOWN_METHOD);
        });
    }
  }
}

function ok() {
  return { code: 0, message: 'OK', uuid: 0n };
}

function run(action: () => Record<string, string>[]): ExtensionResponse {
  try {
    return { status: ok(), response: action() };
  } catch (error) {
    if (error instanceof StandinSqlError) return { status: { code: 1, message: error.message, uuid: 0n }, response: [] };
    throw error;
  }
}
