// tsc does not keep the executable bit; the CLI and the stand-in osqueryd are run as programs.
import { chmodSync } from 'node:fs';

for (const file of ['dist/src/cli/main.js', 'dist/test/standin/osqueryd.js']) {
  chmodSync(file, 0o755);
}
