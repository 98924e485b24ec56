import { describeIssues } from '../core/describe-issues.js';
import { OsqueryError, OsqueryQueryError } from '../core/osquery/errors.js';
import { ScanFailedError } from '../core/checks/scanner.js';
import { OsquerydNotFoundError, OsquerydPathError } from '../core/osquery/binary.js';
import { OsquerydStartError, SupervisorBusyError } from '../core/osquery/supervisor.js';
import { InvalidSettingsError } from '../core/settings/settings.js';
import { API, type ApiHandlers, type ApiMethod } from './contract.js';
import { ApiError, type CallResult } from './call-result.js';
import { errorMessage } from '../core/error-message.js';

function isMethod(method: unknown): method is ApiMethod {
  return typeof method === 'string' && Object.hasOwn(API, method);
}

/**
 * Runs one call from any transport: the method must exist, the payload must fit its schema, and
 * the answer is shaped by the response schema. Errors come back as codes with readable messages.
 */
export async function dispatch(handlers: ApiHandlers, method: unknown, payload: unknown): Promise<CallResult> {
  if (!isMethod(method)) {
    return { ok: false, error: { code: 'unknown-method', message: `no such call: ${String(method).slice(0, 100)}` } };
  }
  const spec = API[method];
  const request = spec.request.safeParse(payload ?? {});
  if (!request.success) {
    const message = describeIssues(request.error, 'request');
    return { ok: false, error: { code: 'invalid-request', message: `${method}: ${message}` } };
  }
  try {
    const handler = handlers[method] as (request: unknown) => Promise<unknown>;
    const result: unknown = spec.response.parse(await handler(request.data));
    return { ok: true, result };
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
}

function describe(error: unknown): { code: ApiError['code']; message: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  if (error instanceof OsqueryQueryError) return { code: 'osquery', message: error.message };
  if (error instanceof OsquerydStartError) {
    const output = error.status.lastOutput?.length ? `\nosqueryd's last output:\n  ${error.status.lastOutput.join('\n  ')}` : '';
    return { code: 'unavailable', message: `osqueryd could not start: ${error.message}${output}` };
  }
  if (
    error instanceof OsqueryError ||
    error instanceof OsquerydNotFoundError ||
    error instanceof OsquerydPathError ||
    error instanceof SupervisorBusyError ||
    error instanceof ScanFailedError
  ) {
    return { code: 'unavailable', message: error.message };
  }
  if (error instanceof InvalidSettingsError) return { code: 'invalid-request', message: error.message };
  return { code: 'internal', message: errorMessage(error) };
}
