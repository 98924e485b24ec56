import path from 'node:path';
import { loadReportData, NothingToReportError } from '../../api/report/report-data.js';
import { localDateTime } from '../../api/report/words.js';
import { isReportFormat, renderReport, REPORT_FORMATS, type ReportFormat } from '../../api/report/render.js';
import { errorMessage } from '../../core/error-message.js';
import { writeFileAtomically } from '../atomic-write.js';
import { COMMON_HELP, contextFrom, parseCommand, UsageError } from '../options.js';
import { withPorchlight } from '../porchlight-client.js';
import type { Command } from './command.js';

export const reportCommand: Command = {
  name: 'report',
  summary: 'write a report of the latest results: HTML with pictures, JSON or CSV',
  help: `Usage: porchlight report [--format html|json|csv] [--out FILE]

Reports what the latest scans found: the overall state, every check with its findings, what to
do on this OS and its history. When Porchlight runs (the tray app, serve or daemon), the report
is of its latest state; otherwise of the history. Nothing is scanned: run \`porchlight check\` first.

  --format F  html: one self-contained page with pictures (no scripts, nothing fetched, prints
              well); json: versioned (docs/report-json.md); csv: one row per finding, safe to
              open in a spreadsheet. Default: FILE's extension, else html.
  --out FILE  write to FILE (replaced whole, readable only by you) instead of standard output

Exit codes: 0 written, 1 nothing to report yet, 2 bad usage or the report could not be written.

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(args, { format: { type: 'string' }, out: { type: 'string' } }, false);
    const format = reportFormat(values.format, values.out);
    const ctx = contextFrom(values, io);
    return withPorchlight(ctx, {}, async ({ api, via }) => {
      let data;
      try {
        data = await loadReportData(api);
      } catch (error) {
        if (!(error instanceof NothingToReportError)) throw error;
        io.err(`porchlight report: ${error.message}. Run \`porchlight check\` first.\n`);
        return 1;
      }
      const report = renderReport(data, format);
      if (values.out === undefined) {
        io.out(report.text);
        return 0;
      }
      const file = path.resolve(values.out);
      try {
        writeFileAtomically(file, report.text);
      } catch (error) {
        io.err(`porchlight report: could not write ${file}: ${errorMessage(error)}\n`);
        return 2;
      }
      const source = via === 'agent' ? 'the running agent' : 'the history';
      io.out(`Wrote the ${format.toUpperCase()} report of the latest results (scan of ${localDateTime(data.report.finishedAt)}, from ${source}) to ${file}\n`);
      return 0;
    });
  },
};

function reportFormat(option: string | undefined, out: string | undefined): ReportFormat {
  if (option !== undefined) {
    if (!isReportFormat(option)) throw new UsageError(`--format takes ${REPORT_FORMATS.join(', ')}, not "${option}"`);
    return option;
  }
  const extension = out === undefined ? '' : path.extname(out).slice(1).toLowerCase();
  if (extension === 'htm') return 'html';
  return isReportFormat(extension) ? extension : 'html';
}
