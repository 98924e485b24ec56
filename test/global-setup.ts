import { execFileSync } from 'node:child_process';

/** Integration tests run the built CLI and stand-in osqueryd as real programs: build them first. */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/make-executable.mjs'], { stdio: 'inherit' });
}
