// After `npm install`: fetch Electron's binary (Electron 42+ no longer does this itself) and the
// pinned osqueryd. Neither may fail the install: offline or in CI, say what to do later instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (process.env.CI || process.env.PORCHLIGHT_SKIP_DOWNLOADS) {
  console.log('porchlight: skipping the Electron and osquery downloads (CI or PORCHLIGHT_SKIP_DOWNLOADS).');
  process.exit(0);
}

function attempt(label, args, advice) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', timeout: 10 * 60_000 });
  if (result.status !== 0) console.warn(`porchlight: ${label} was not downloaded. ${advice}`);
}

if (existsSync('node_modules/electron/install.js')) {
  attempt(
    'Electron',
    ['node_modules/electron/install.js'],
    '`npm start` will open Porchlight in your browser instead of the tray; run `npx install-electron` when online.',
  );
}
if (existsSync('node_modules/tsx')) {
  attempt(
    'osqueryd',
    ['--import', 'tsx', 'scripts/fetch-osquery.ts'],
    'Porchlight runs with an installed osquery, --osqueryd PATH or --demo; run `npm run fetch-osquery` when online.',
  );
}
