import type { OsqueryRow } from './extension-socket-client.js';
import { osquerydPaths, prepareOsquerydPaths } from './daemon-paths.js';
import { InstanceLock } from './instance-lock.js';
import { AGENT_INSTANCE, openOsquerySession, type OsquerySession, type OsquerySessionOptions } from './osquery-session.js';
import { SupervisorBusyError, type OsquerydStatus, type OsquerydSupervisor } from './supervisor.js';
import { errorMessage } from '../error-message.js';
import { TypedEmitter } from '../events.js';

/**
 * What the agent needs of osquery, whoever runs it: the data dir's supervised osqueryd (the tray
 * app, `serve`, `daemon`), or a CLI command's one-shot connection.
 */
export interface OsqueryConnection {
  query(sql: string): Promise<OsqueryRow[]>;
  /** The result's column names, in osquery's order (needed when there are no rows). */
  resultColumns(sql: string, rows: OsqueryRow[]): Promise<string[]>;
  status(): OsquerydStatus;
  outputTail(): string[];
  start(): Promise<void>;
  /** Resolves once queries can be answered; rejects when osqueryd cannot run. */
  whenRunning(): Promise<void>;
  retry(): Promise<void>;
  stop(): Promise<void>;
  onState(listener: (status: OsquerydStatus) => void): () => void;
  /** Each line osqueryd writes, as it writes it (only the supervised osqueryd's reach this process). */
  onOutput(listener: (line: string, at: number) => void): () => void;
  /**
   * Stops the data dir's agent osqueryd, runs `change` while it is down (its database may be
   * changed then), and starts it again with its flags read anew. Without a supervised osqueryd,
   * `change` runs while this process holds that osqueryd's lock, so none can start meanwhile.
   */
  restartAgentDaemon(reason: string, change: () => void | Promise<void>): Promise<void>;
  /** Whose osqueryd answers: this process's supervised one, the running agent's, or one started for this command. */
  source(): 'supervised' | 'agent' | 'own';
}

/** The data dir's long-running osqueryd, supervised (restarts, health, crash loop). */
export function supervisedConnection(supervisor: OsquerydSupervisor): OsqueryConnection {
  return {
    query: (sql) => supervisor.client.query(sql),
    resultColumns: (sql, rows) => supervisor.client.resultColumns(sql, rows),
    status: () => supervisor.status(),
    outputTail: () => supervisor.outputTail(),
    start: () => supervisor.start(),
    whenRunning: () => supervisor.whenRunning(),
    retry: () => supervisor.retry(),
    stop: () => supervisor.stop(),
    onState: (listener) => supervisor.on('state', listener),
    onOutput: (listener) => supervisor.on('output', ({ line, at }) => listener(line, at)),
    restartAgentDaemon: (reason, change) => supervisor.restart(reason, change),
    source: () => 'supervised',
  };
}

/**
 * A CLI command's osquery: opened on the first query (the running agent's osqueryd when one
 * answers, else a short-lived one of its own) and closed with the command, so a command that
 * only reads the history never starts osqueryd.
 */
export class OneShotConnection extends TypedEmitter<{ state: OsquerydStatus }> implements OsqueryConnection {
  private session: Promise<OsquerySession> | undefined;
  private opened: OsquerySession | undefined;
  private current: OsquerydStatus = { state: 'stopped', since: Date.now(), failures: 0 };

  constructor(private readonly options: OsquerySessionOptions) {
    super();
  }

  async query(sql: string): Promise<OsqueryRow[]> {
    return (await this.open()).client.query(sql);
  }

  async resultColumns(sql: string, rows: OsqueryRow[]): Promise<string[]> {
    return (await this.open()).client.resultColumns(sql, rows);
  }

  status(): OsquerydStatus {
    return { ...this.current };
  }

  outputTail(): string[] {
    return [];
  }

  async start(): Promise<void> {
    await this.open();
  }

  async whenRunning(): Promise<void> {
    await this.open();
  }

  async retry(): Promise<void> {
    await this.open();
  }

  async stop(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    await (await session.catch(() => undefined))?.close();
    this.setState({ state: 'stopped' });
  }

  onState(listener: (status: OsquerydStatus) => void): () => void {
    return this.on('state', listener);
  }

  onOutput(): () => void {
    return () => undefined;
  }

  async restartAgentDaemon(_reason: string, change: () => void | Promise<void>): Promise<void> {
    const paths = osquerydPaths(this.options.dataDir, AGENT_INSTANCE, this.options.pathOptions);
    prepareOsquerydPaths(paths);
    const lock = await InstanceLock.acquire(paths.supervisorLock);
    if (!lock) throw new SupervisorBusyError(`another Porchlight process runs osqueryd from ${paths.root}; stop it (or do this through it) first`);
    try {
      await change();
    } finally {
      lock.release();
    }
  }

  source(): 'agent' | 'own' {
    return this.opened?.source ?? 'own';
  }

  private open(): Promise<OsquerySession> {
    if (!this.session) {
      this.setState({ state: 'starting' });
      this.session = openOsquerySession(this.options).then(
        (session) => {
          this.opened = session;
          this.setState({ state: 'running' });
          return session;
        },
        (error: unknown) => {
          this.session = undefined;
          this.setState({ state: 'failed', reason: errorMessage(error) });
          throw error;
        },
      );
    }
    return this.session;
  }

  private setState(next: Pick<OsquerydStatus, 'state'> & Partial<OsquerydStatus>): void {
    this.current = { failures: 0, ...next, since: Date.now() };
    this.emit('state', this.status());
  }
}
