/**
 * The window's numbers: bundle size on the wire (gzip) and time to first contentful paint in
 * Debian's Chromium against `porchlight serve` on the stand-in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium, startServe } from '../test/browser/serve.js';
import { REPO_ROOT } from '../test/helpers/standin.js';
import { percentile, type BenchResult } from './report.js';

const LOADS = 7;

export async function benchWindow(): Promise<BenchResult[]> {
  const assets = path.join(REPO_ROOT, 'dist', 'renderer', 'assets');
  let js = 0;
  let css = 0;
  for (const name of readdirSync(assets)) {
    const size = gzipSync(readFileSync(path.join(assets, name))).length / 1024;
    if (name.endsWith('.js')) js += size;
    if (name.endsWith('.css')) css += size;
  }

  const serve = await startServe();
  const browser = await launchChromium();
  const paints: number[] = [];
  try {
    for (let i = 0; i < LOADS; i++) {
      const page = await browser.newPage();
      await page.goto(serve.url);
      await page.getByRole('list', { name: 'Checks' }).waitFor();
      // Runs in the page, where the Paint Timing API lists the first contentful paint.
      const fcp = await page.evaluate(() => {
        const timing = performance as unknown as { getEntriesByType(type: string): { name: string; startTime: number }[] };
        return timing.getEntriesByType('paint').find((entry) => entry.name === 'first-contentful-paint')?.startTime ?? NaN;
      });
      if (i > 0) paints.push(fcp);
      await page.close();
    }
  } finally {
    await browser.close();
    await serve.stop();
  }
  const fcp = percentile(paints, 50);
  return [
    { name: 'renderer JavaScript, gzip', value: js, unit: 'KiB', target: 'informational' },
    { name: 'renderer CSS, gzip', value: css, unit: 'KiB', target: 'informational' },
    { name: 'first contentful paint in Chromium (median, warm)', value: fcp, unit: 'ms', target: 'informational' },
  ];
}
