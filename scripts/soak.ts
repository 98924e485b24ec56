/**
 * `npm run soak -- N`: N kill -9s of the CLI and the agent at random moments of a scan (default
 * 200), then the report; exits 1 when anything was left running, lost, duplicated or corrupt.
 * `--seed S` repeats a run's kill moments.
 */
import { parseArgs } from 'node:util';
import { runSoak, soakPassed } from '../test/soak/soak.js';

const { values, positionals } = parseArgs({ options: { seed: { type: 'string' } }, allowPositionals: true });
const kills = Number(positionals[0] ?? 200);
if (!Number.isInteger(kills) || kills < 1) {
  process.stderr.write(`usage: npm run soak -- [KILLS] [--seed S]  (KILLS is a whole number, got ${positionals[0]})\n`);
  process.exit(2);
}
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
process.stdout.write(`soak: ${kills} kills, seed ${seed}\n`);
const report = await runSoak({ kills, seed, onProgress: (line) => process.stdout.write(`  ${line}\n`) });
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
const passed = soakPassed(report);
process.stdout.write(
  `${passed ? 'PASS' : 'FAIL'}: ${report.orphans.length} orphaned osqueryd, ${report.lost.length} lost scans, ${report.duplicated} duplicated, ${report.scans.running} stuck running, integrity ${report.integrity}, clean scan exit ${report.cleanScan.code} (${report.seconds} s)\n`,
);
process.exit(passed ? 0 : 1);
