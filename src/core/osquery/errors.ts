/** Errors from talking to osqueryd. Each says what failed in words an owner can act on. */
export class OsqueryError extends Error {
  override name = 'OsqueryError';
}

/** osquery answered, but with an error status: the message is osquery's own (SQLite's for SQL). */
export class OsqueryQueryError extends OsqueryError {
  override name = 'OsqueryQueryError';
  constructor(
    readonly osqueryMessage: string,
    readonly sql: string,
    readonly code: number,
  ) {
    super(osqueryMessage || `osquery returned status ${code} with no message`);
  }
}

export class OsqueryTimeoutError extends OsqueryError {
  override name = 'OsqueryTimeoutError';
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`${operation} did not answer within ${timeoutMs} ms`);
  }
}

/** The socket is missing, refused, or closed under a call. */
export class OsqueryConnectionError extends OsqueryError {
  override name = 'OsqueryConnectionError';
  constructor(
    message: string,
    readonly socketPath: string,
  ) {
    super(message);
  }
}

/** Bytes on the socket that are not a valid answer (or a Thrift application exception). */
export class OsqueryProtocolError extends OsqueryError {
  override name = 'OsqueryProtocolError';
}
