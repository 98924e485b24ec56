import type { CheckDefinitionInput } from '../definition.js';
import { administratorAccounts, authorizedSshKeys, newSuidBinaries, sshKeysWithoutPassphrase } from './accounts.js';
import { automaticUpdates } from './automatic-updates.js';
import { browserExtensions, safariExtensions } from './browser-extensions.js';
import { diskEncryption } from './disk-encryption.js';
import { firewall } from './firewall.js';
import { listeningPorts } from './listening-ports.js';
import { remoteLogin } from './remote-login.js';
import { screenLock } from './screen-lock.js';
import { gatekeeper, secureBoot, systemIntegrityProtection } from './system.js';

/**
 * The built-in checks. Each is data: SQL per platform, what must be readable for its answer to
 * count, how rows are judged, and what to do. Every query has the osquery source (or Fleet policy)
 * it follows beside it, and is validated against osquery's schema for each platform it names
 * (catalog tests); the laptops in assets/laptops say what each returns to a normal user.
 */
export const BUILTIN_CHECKS: CheckDefinitionInput[] = [
  diskEncryption,
  browserExtensions,
  safariExtensions,
  listeningPorts,
  firewall,
  screenLock,
  automaticUpdates,
  remoteLogin,
  secureBoot,
  systemIntegrityProtection,
  gatekeeper,
  administratorAccounts,
  newSuidBinaries,
  sshKeysWithoutPassphrase,
  authorizedSshKeys,
];
