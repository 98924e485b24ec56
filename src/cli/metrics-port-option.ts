import { UsageError } from './options.js';

export const METRICS_PORT_HELP = `  --metrics-port N  serve Prometheus metrics at http://127.0.0.1:N/metrics (this computer only;
                    default: the metricsPort setting, else none)`;

/** `--metrics-port N`: a port to listen on, or undefined when not given. */
export function metricsPortOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw new UsageError(`--metrics-port takes a port number (1-65535), not "${value}"`);
  return port;
}
