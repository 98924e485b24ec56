import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { fieldString, MessageReader, MessageType, type DecodedMessage } from '../../src/core/osquery/thrift-wire.js';
import { BinaryWriter, T, writeResponseField, writeStatusField } from './binary-writer.js';
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
    const out = new BinaryWriter();
    out.messageBegin(name, MessageType.REPLY, seqid);
    switch (name) {
      case 'ping': {
        const failAfter = hooks.faults.pingFailAfter;
        const failing = failAfter !== undefined && ++pings > failAfter;
        writeStatusField(out, 0, failing ? { code: 1, message: 'stand-in ping failure' } : OK);
        break;
      }
      case 'query':
      case 'getQueryColumns': {
        const sql = fieldString(message.body, 1);
        if (name === 'query') hooks.onQuery(++queries);
        try {
          writeResponseField(out, 0, OK, name === 'query' ? hooks.engine.query(sql) : hooks.engine.columns(sql));
        } catch (error) {
          if (!(error instanceof StandinSqlError)) throw error;
          writeResponseField(out, 0, { code: 1, message: error.message }, []);
        }
        break;
      }
      case 'options': {
        const options = Object.entries(hooks.options);
        out.fieldBegin(T.MAP, 0).mapBegin(T.STRING, T.STRUCT, options.length);
        for (const [key, value] of options) {
          out.string(key);
          out.fieldBegin(T.STRING, 1).string(value);
          out.fieldBegin(T.STRING, 2).string('');
          out.fieldBegin(T.STRING, 3).string('string');
          out.fieldStop();
        }
        break;
      }
      case 'extensions':
        out.fieldBegin(T.MAP, 0).mapBegin(T.I64, T.STRUCT, 0);
        break;
      default: {
        // TApplicationException {1: string message, 2: i32 type}.
        const exception = new BinaryWriter().messageBegin(name, MessageType.EXCEPTION, seqid);
        exception.fieldBegin(T.STRING, 1).string(`Invalid method name: '${name}'`);
        exception.fieldBegin(T.I32, 2).i32(UNKNOWN_METHOD);
        return exception.fieldStop().bytes();
      }
    }
    return out.fieldStop().bytes();
  }
}

const OK = { code: 0, message: 'OK' };
