import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { assetPath, projectRoot } from './paths/project-assets.js';

export interface DemoSetup {
  dataDir: string;
  osquerydPath: string;
  env: NodeJS.ProcessEnv;
  platform: 'linux';
}

/**
 * `--demo`: the stand-in osqueryd (built from test/standin) answering from a sample Linux laptop,
 * with its own data dir so demo findings never mix with the owner's history.
 */
export function demoSetup(dataDir: string, env: NodeJS.ProcessEnv = process.env): DemoSetup {
  const root = projectRoot();
  const osquerydPath = path.join(root, 'dist', 'test', 'standin', 'osqueryd.js');
  if (!existsSync(osquerydPath)) {
    throw new Error(`the demo needs the built stand-in osqueryd (${osquerydPath}); run \`npm run build\` in a checkout`);
  }
  const demoDir = path.join(dataDir, 'demo');
  mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  const fixture = path.join(demoDir, 'laptop.json');
  if (!existsSync(fixture)) copyFileSync(assetPath('demo', 'linux-laptop.json'), fixture);
  return {
    dataDir: demoDir,
    osquerydPath,
    env: { ...env, STANDIN_FIXTURE: fixture, STANDIN_PLATFORM: 'linux' },
    platform: 'linux',
  };
}
