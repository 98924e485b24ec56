import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { osqueryPlatformOf } from './osquery/schema.js';
import { assetPath, projectRoot } from './paths/project-assets.js';
import type { Platform } from './platform.js';

export interface DemoSetup {
  dataDir: string;
  osquerydPath: string;
  env: NodeJS.ProcessEnv;
  platform: Platform;
}

/** The sample laptop of a platform that the demo runs on (assets/laptops/). */
export function demoLaptop(platform: Platform): string {
  return assetPath('laptops', `${platform}-risky.json`);
}

/**
 * `--demo`: the stand-in osqueryd (built from test/standin) answering from a sample laptop of
 * `platform` (this computer's by default), with its own data dir per platform so demo findings
 * never mix with the owner's history or with another platform's demo.
 */
export function demoSetup(dataDir: string, env: NodeJS.ProcessEnv = process.env, platform?: Platform): DemoSetup {
  const root = projectRoot();
  const osquerydPath = path.join(root, 'dist', 'test', 'standin', 'osqueryd.js');
  if (!existsSync(osquerydPath)) {
    throw new Error(`the demo needs the built stand-in osqueryd (${osquerydPath}); run \`npm run build\` in a checkout`);
  }
  const demoPlatform = platform ?? osqueryPlatformOf(process.platform) ?? 'linux';
  const demoDir = path.join(dataDir, 'demo', demoPlatform);
  mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  const fixture = path.join(demoDir, 'laptop.json');
  if (!existsSync(fixture)) copyFileSync(demoLaptop(demoPlatform), fixture);
  return {
    dataDir: demoDir,
    osquerydPath,
    env: { ...env, STANDIN_FIXTURE: fixture, STANDIN_PLATFORM: demoPlatform },
    platform: demoPlatform,
  };
}
