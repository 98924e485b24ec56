// After `npm install`: try to fetch the pinned osqueryd, but never fail the install (offline, CI).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (process.env.CI || process.env.PORCHLIGHT_SKIP_OSQUERY_FETCH) {
  console.log('porchlight: skipping osquery download (CI or PORCHLIGHT_SKIP_OSQUERY_FETCH).');
  process.exit(0);
}
if (!existsSync('node_modules/tsx')) {
  process.exit(0);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/fetch-osquery.ts'], {
  stdio: 'inherit',
  timeout: 10 * 60_000,
});
if (result.status !== 0) {
  console.warn(
    'porchlight: osqueryd was not downloaded. Porchlight still runs with an installed osquery\n' +
      'or --osqueryd PATH; run `npm run fetch-osquery` when online.',
  );
}
