/**
 * `npm run fetch-osquery`: puts the pinned osqueryd for this machine into vendor/osquery/.
 * Options: --force (download again), --base-url URL (a mirror; or PORCHLIGHT_OSQUERY_MIRROR).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../src/core/paths/project-assets.js';
import { OSQUERY_VERSION } from '../src/core/osquery/schema.js';
import { fetchOsquery, FetchOsqueryError, type ReleaseManifest } from './lib/osquery-release.js';

const { values } = parseArgs({
  options: {
    force: { type: 'boolean' },
    'base-url': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stdout.write(`Usage: npm run fetch-osquery -- [--force] [--base-url URL]

Downloads osquery ${OSQUERY_VERSION} for this machine, verifies its SHA-256 against
assets/osquery/packages-${OSQUERY_VERSION}.json and places osqueryd in vendor/osquery/<os>-<arch>/.
`);
  process.exit(0);
}

const root = projectRoot();
const manifest = JSON.parse(
  readFileSync(path.join(root, 'assets', 'osquery', `packages-${OSQUERY_VERSION}.json`), 'utf8'),
) as ReleaseManifest;

let lastPercent = -1;
try {
  const result = await fetchOsquery({
    manifest,
    vendorRoot: path.join(root, 'vendor', 'osquery'),
    baseUrl: values['base-url'] ?? process.env.PORCHLIGHT_OSQUERY_MIRROR,
    force: values.force,
    log: (message) => process.stderr.write(`${message}\n`),
    progress: (received, total) => {
      if (!total) return;
      const percent = Math.floor((received / total) * 100);
      if (percent >= lastPercent + 10 || percent === 100) {
        lastPercent = percent;
        process.stderr.write(`  ${percent}% (${(received / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB)\n`);
      }
    },
  });
  process.stdout.write(`${result.binary}\n`);
} catch (error) {
  if (!(error instanceof FetchOsqueryError)) throw error;
  process.stderr.write(`fetch-osquery: ${error.message}\n`);
  process.exit(1);
}
