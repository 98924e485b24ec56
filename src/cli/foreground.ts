import { OsquerydStartError, type OsquerydStatus } from '../core/osquery/supervisor.js';
import { errorMessage } from '../core/error-message.js';

export interface ForegroundTask {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** osqueryd's state: `failed` (a crash loop) ends the task, as nothing in a CLI process can retry it. */
  onOsqueryState?(listener: (status: OsquerydStatus) => void): void;
}

/**
 * Runs a long-lived task until SIGINT/SIGTERM (exit 0), or until it cannot go on (exit 2, with
 * the reason on stderr); either way it is stopped cleanly first.
 */
export function runInForeground(task: ForegroundTask, err: (text: string) => void, label: string): Promise<number> {
  return new Promise((resolve) => {
    let finished = false;
    const finish = (code: number, reason?: string) => {
      if (finished) return;
      finished = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (reason) err(`${label}: ${reason}\n`);
      void task.stop().then(() => resolve(code));
    };
    const onSignal = () => finish(0);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    task.onOsqueryState?.((status) => {
      if (status.state === 'failed') finish(2, `osqueryd failed: ${status.reason ?? 'unknown reason'}`);
    });
    task.start().catch((error: unknown) => {
      // A crash loop is reported as the `failed` state; anything else (another agent, a bad schedule) here.
      if (!(error instanceof OsquerydStartError)) finish(2, errorMessage(error));
    });
  });
}
