// The preload runs in a sandboxed renderer, where only CommonJS loads: bundle it to one .cjs file.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/preload/preload.ts'],
  outfile: 'dist/preload/preload.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['electron'],
  logLevel: 'warning',
});
