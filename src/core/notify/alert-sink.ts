import type { SendAlert } from './delivery-queue.js';

export type AlertSinkKind = 'ntfy' | 'webhook' | 'desktop' | 'stdout';

/**
 * The notifier port: somewhere alerts go. The core's own are ntfy and webhooks (from settings);
 * a shell adds its own (the tray app's desktop notifications, the daemon's output).
 */
export interface AlertSink {
  readonly id: string;
  readonly kind: AlertSinkKind;
  /** Where alerts go, as an address or in words; never with a secret. */
  readonly target: string;
  readonly send: SendAlert;
}
