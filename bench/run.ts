/** `npm run bench`: prints Porchlight's performance numbers against their targets. */
import { removeTempDirs } from '../test/helpers/standin.js';
import { benchChecks } from './checks.js';
import { benchOsqueryEngine } from './osquery-engine.js';
import { benchWindow } from './window.js';
import { report, type BenchResult } from './report.js';

const suites: [string, () => Promise<BenchResult[]>][] = [
  ['osquery engine', benchOsqueryEngine],
  ['checks, history and agent', benchChecks],
  ['window', benchWindow],
];

let missed = 0;
try {
  for (const [title, suite] of suites) {
    const results = await suite();
    missed += results.filter((r) => r.ok === false).length;
    process.stdout.write(`\n== ${title} ==\n${report(results)}\n`);
  }
} finally {
  removeTempDirs();
}
process.stdout.write(missed ? `\n${missed} target(s) missed\n` : '\nall targets met\n');
