/** `node --import dist/test/electron-fake/register.js main.js`: the tray app gets the fake Electron. */
import { register } from 'node:module';

register('./resolve-electron.js', import.meta.url);
