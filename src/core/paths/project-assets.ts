import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The folder holding `assets/`: the checkout root when running from source or from dist/.
 * Walks up from this module so the same code works from `src/` (tests) and `dist/src/` (CLI).
 */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'assets', 'osquery')) && existsSync(path.join(dir, 'package.json'))) {
      cachedRoot = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find Porchlight assets/ above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export function assetPath(...segments: string[]): string {
  return path.join(projectRoot(), 'assets', ...segments);
}
