import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/standin.js';

const eslint = new ESLint({ cwd: REPO_ROOT });

/** The messages ESLint gives `code` as if it were the file at `file` (relative to the repo). */
async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  return result!.messages.map((m) => m.message);
}

describe('the layering is a lint rule', () => {
  it('fails a renderer file that imports the core, and passes one that imports the API', async () => {
    expect(await lint('renderer/src/pages/X.tsx', "import { loadChecks } from '../../../src/core/checks/loader';\nexport const x = loadChecks;\n")).toEqual([
      expect.stringContaining('The window knows only the API contract (src/api)'),
    ]);
    expect(await lint('renderer/src/pages/X.tsx', "import { errorMessage } from '../../../src/api/error-message';\nexport const x = errorMessage;\n")).toEqual([]);
  });

  it('fails the core importing a shell or Electron, and the preload importing more than channel names', async () => {
    expect(await lint('src/core/checks/x.ts', "import { dispatch } from '../../api/dispatch.js';\nexport const x = dispatch;\n")).toEqual([
      expect.stringContaining('src/core is the Electron-free core'),
    ]);
    expect(await lint('src/core/x.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual(["'electron' import is restricted from being used. src/core must stay Electron-free."]);
    expect(await lint('src/preload/x.ts', "import { API } from '../api/contract.js';\nexport const x = API;\n")).toEqual([
      expect.stringContaining('The preload bridges two channels'),
    ]);
    expect(await lint('src/preload/x.ts', "import { CALL_CHANNEL } from '../api/ipc-channels.js';\nexport const x = CALL_CHANNEL;\n")).toEqual([]);
  });
});
