import net from 'node:net';
import {
  OsqueryConnectionError,
  OsqueryProtocolError,
  OsqueryQueryError,
  OsqueryTimeoutError,
} from './errors.js';
import {
  asMapEntries,
  encodeMessage,
  fieldString,
  fieldStruct,
  isStruct,
  MessageReader,
  MessageType,
  readApplicationException,
  readResponse,
  readStatus,
  ThriftDecodeError,
  type DecodedMessage,
  type ExtensionResponse,
  type ExtensionStatus,
  type InternalExtensionInfo,
  type InternalOptionInfo,
  type StructWriter,
  type ThriftStruct,
} from './thrift-wire.js';

export type OsqueryRow = Record<string, string>;

export interface QueryColumn {
  name: string;
  type: string;
}

export interface ExtensionSocketClientOptions {
  /** Unix socket path, or a Windows named pipe (`\\.\pipe\…`). */
  socketPath: string;
  connectTimeoutMs?: number;
  /** Default time one call may take once sent. */
  callTimeoutMs?: number;
}

interface PendingCall {
  seqid: number;
  resolve: (body: ThriftStruct) => void;
  reject: (error: Error) => void;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_CALL_TIMEOUT_MS = 30_000;
const SQL_IN_ERRORS_MAX = 120;
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * A client for osqueryd's extension manager: one connection, calls serialised, every call
 * bounded by a timeout. A broken or timed-out connection is dropped and the next call reconnects,
 * so the client survives a daemon restart.
 */
export class ExtensionSocketClient {
  readonly socketPath: string;
  private readonly connectTimeoutMs: number;
  private readonly callTimeoutMs: number;
  private socket: net.Socket | undefined;
  private pending: PendingCall | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextSeqid = 1;
  private closed = false;
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);

  constructor(options: ExtensionSocketClientOptions) {
    this.socketPath = options.socketPath;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  }

  async ping(timeoutMs?: number): Promise<ExtensionStatus> {
    const body = await this.call('ping', () => undefined, () => 'ping', timeoutMs);
    return readStatus(successOf(body, 'ping'));
  }

  /** Runs SQL; rows come back as osquery gives them (every value a string, NULL as ""). */
  async query(sql: string, timeoutMs?: number): Promise<OsqueryRow[]> {
    const response = await this.callForResponse('query', sql, timeoutMs);
    return response.response;
  }

  /** The result columns of `sql` and their osquery types, without running it. */
  async columns(sql: string, timeoutMs?: number): Promise<QueryColumn[]> {
    const response = await this.callForResponse('getQueryColumns', sql, timeoutMs);
    return response.response.flatMap((row) => Object.entries(row).map(([name, type]) => ({ name, type })));
  }

  /** The column names of `rows`, the result of `sql`: from its first row, or from osquery when it has none. */
  async resultColumns(sql: string, rows: OsqueryRow[]): Promise<string[]> {
    return rows[0] ? Object.keys(rows[0]) : (await this.columns(sql)).map((column) => column.name);
  }

  async options(timeoutMs?: number): Promise<Record<string, InternalOptionInfo>> {
    const body = await this.call('options', () => undefined, () => 'options', timeoutMs);
    const out: Record<string, InternalOptionInfo> = {};
    for (const [key, value] of asMapEntries(body.fields.get(0))) {
      if (typeof key !== 'string' || !isStruct(value)) continue;
      out[key] = { value: fieldString(value, 1), default_value: fieldString(value, 2), type: fieldString(value, 3) };
    }
    return out;
  }

  async extensions(timeoutMs?: number): Promise<Map<bigint, InternalExtensionInfo>> {
    const body = await this.call('extensions', () => undefined, () => 'extensions', timeoutMs);
    const out = new Map<bigint, InternalExtensionInfo>();
    for (const [key, value] of asMapEntries(body.fields.get(0))) {
      if (typeof key !== 'bigint' || !isStruct(value)) continue;
      out.set(key, {
        name: fieldString(value, 1),
        version: fieldString(value, 2),
        sdk_version: fieldString(value, 3),
        min_sdk_version: fieldString(value, 4),
      });
    }
    return out;
  }

  /** Drops the connection; later calls fail. */
  close(): void {
    this.closed = true;
    this.dropConnection(new OsqueryConnectionError('the osquery client was closed', this.socketPath));
  }

  private async callForResponse(
    method: 'query' | 'getQueryColumns',
    sql: string,
    timeoutMs: number | undefined,
  ): Promise<ExtensionResponse> {
    const body = await this.call(method, (out) => out.stringField(1, sql), () => `${method} "${shorten(sql)}"`, timeoutMs);
    const result = successOf(body, method);
    if (!fieldStruct(result, 1)) throw new OsqueryProtocolError(`osqueryd answered ${method} without a status`);
    const response = readResponse(result);
    if (response.status.code !== 0) {
      throw new OsqueryQueryError(response.status.message, sql, response.status.code);
    }
    return response;
  }

  private call(
    method: string,
    writeArgs: (out: StructWriter) => void,
    operation: () => string,
    timeoutMs: number | undefined,
  ): Promise<ThriftStruct> {
    const run = this.queue.then(() => this.send(method, writeArgs, operation, timeoutMs ?? this.callTimeoutMs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send(
    method: string,
    writeArgs: (out: StructWriter) => void,
    /** Names the call in a timeout error; only worked out then. */
    operation: () => string,
    timeoutMs: number,
  ): Promise<ThriftStruct> {
    if (this.closed) throw new OsqueryConnectionError('the osquery client was closed', this.socketPath);
    const socket = await this.connection();
    const seqid = this.nextSeqid++;
    const bytes = encodeMessage({ name: method, type: MessageType.CALL, seqid }, writeArgs);
    return new Promise<ThriftStruct>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.dropConnection(new OsqueryTimeoutError(`osquery ${operation()}`, timeoutMs));
      }, timeoutMs);
      this.pending = {
        seqid,
        resolve: (body) => {
          clearTimeout(timer);
          resolve(body);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      socket.write(bytes);
    });
  }

  private connection(): Promise<net.Socket> {
    if (this.socket) return Promise.resolve(this.socket);
    return new Promise((resolve, reject) => {
      const reader = new MessageReader((message) => this.onMessage(message));
      // Reads land in one buffer of the client's and go straight to the reader (which copies what it
      // keeps): no stream machinery or fresh buffer per read on the round trip every query makes.
      const socket: net.Socket = net.connect({
        path: this.socketPath,
        onread: {
          buffer: this.readBuffer,
          callback: (size: number): true => {
            this.onData(socket, reader, this.readBuffer.subarray(0, size));
            return true;
          },
        },
      });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new OsqueryTimeoutError(`connecting to osqueryd at ${this.socketPath}`, this.connectTimeoutMs));
      }, this.connectTimeoutMs);
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(this.connectError(error));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        this.adopt(socket);
        resolve(socket);
      });
    });
  }

  private onData(socket: net.Socket, reader: MessageReader, data: Buffer): void {
    if (this.socket !== socket) return;
    try {
      reader.push(data);
    } catch (error) {
      const detail = error instanceof ThriftDecodeError ? error.message : String(error);
      this.dropConnection(new OsqueryProtocolError(`osqueryd sent an unreadable answer (${detail})`));
    }
  }

  private adopt(socket: net.Socket): void {
    this.socket = socket;
    socket.on('error', (error) => {
      this.dropConnection(
        new OsqueryConnectionError(`the connection to osqueryd failed: ${error.message}`, this.socketPath),
      );
    });
    socket.on('close', () => {
      if (this.socket === socket) {
        this.dropConnection(new OsqueryConnectionError('osqueryd closed the connection', this.socketPath));
      }
    });
  }

  private onMessage(message: DecodedMessage): void {
    const pending = this.pending;
    if (!pending || message.header.seqid !== pending.seqid) {
      this.dropConnection(
        new OsqueryProtocolError(`osqueryd answered call ${message.header.seqid}, which was not asked`),
      );
      return;
    }
    if (message.header.type !== MessageType.REPLY && message.header.type !== MessageType.EXCEPTION) {
      // dropConnection also fails the call in flight.
      this.dropConnection(new OsqueryProtocolError(`osqueryd sent message type ${message.header.type}`));
      return;
    }
    this.pending = undefined;
    if (message.header.type === MessageType.EXCEPTION) {
      pending.reject(new OsqueryProtocolError(`osqueryd refused the call: ${readApplicationException(message.body)}`));
      return;
    }
    pending.resolve(message.body);
  }

  private dropConnection(reason: Error): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(reason);
  }

  private connectError(error: NodeJS.ErrnoException): OsqueryConnectionError {
    const where = this.socketPath;
    switch (error.code) {
      case 'ENOENT':
        return new OsqueryConnectionError(`osqueryd is not running: no socket at ${where}`, where);
      case 'ECONNREFUSED':
        return new OsqueryConnectionError(`osqueryd is not listening on ${where} (stale socket)`, where);
      case 'EACCES':
        return new OsqueryConnectionError(`permission denied opening the osquery socket ${where}`, where);
      default:
        return new OsqueryConnectionError(`cannot connect to osqueryd at ${where}: ${error.message}`, where);
    }
  }
}

/** The reply's `success` field; a reply without one is not an answer, and never "no rows". */
function successOf(body: ThriftStruct, method: string): ThriftStruct {
  const success = fieldStruct(body, 0);
  if (!success) throw new OsqueryProtocolError(`osqueryd answered ${method} without a result`);
  return success;
}

function shorten(sql: string): string {
  const oneLine = sql.replace(/\s+/g, ' ').trim();
  return oneLine.length > SQL_IN_ERRORS_MAX ? `${oneLine.slice(0, SQL_IN_ERRORS_MAX - 1)}…` : oneLine;
}
