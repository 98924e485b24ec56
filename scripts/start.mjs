// `npm start`: the tray app where Electron can run; otherwise, said plainly, the same window in a
// browser through `porchlight serve`. Extra arguments (e.g. `npm start -- --demo`) pass through.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prepareElectronSqlite } from './electron-sqlite.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const { installedElectron, hasDisplay } = await import(pathToFileURL(path.join(root, 'dist', 'src', 'main', 'electron-binary.js')).href);

function run(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

const electron = installedElectron();
let reason = !electron
  ? 'Electron is not installed here (run `npx install-electron` when online)'
  : !hasDisplay()
    ? 'there is no display to show a tray icon on'
    : undefined;
let binding;
if (!reason) {
  try {
    binding = prepareElectronSqlite(root, electron);
  } catch (error) {
    reason = `better-sqlite3 could not be built for Electron (${error.message})`;
  }
}
if (reason) {
  console.log(`porchlight: ${reason}, so Porchlight opens in your browser instead (porchlight serve).`);
  run(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'main.js'), 'serve', '--open', ...args]);
} else {
  run(electron, [root, ...args], { ...process.env, PORCHLIGHT_SQLITE_BINDING: binding });
}
