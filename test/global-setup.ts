import { execFileSync } from 'node:child_process';

/** Integration and browser tests run the built CLI, stand-in osqueryd and window: build them first. */
export default function setup(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
}
