/**
 * The report as one self-contained HTML page: inline CSS and SVG, no scripts, nothing fetched
 * (its own CSP forbids both, should anything slip through), light and print-friendly.
 */
import { isOpenableLink } from '../openable-links.js';
import { OVERALL_STATE_TEXT } from '../overall-state-text.js';
import { historyStrip, runLabel, stripRange, stripSummary, trendBars, trendDayLabel, trendSummary } from './pictures.js';
import type { ReportData } from './report-data.js';
import { findingCountsText, reportChecks, statusCounts, statusCountsText, type ReportCheck, type ReportFinding } from './report-model.js';
import { html, SafeHtml } from './safe-html.js';
import { localDateTime, PLATFORM_NAMES, utcOffset } from './words.js';

/**
 * No script runs and nothing loads: default-src 'none' covers scripts, images, fonts and
 * connections. Inline styles are allowed because the page's one stylesheet is inline; with every
 * fetch refused, injected CSS could not send anything anywhere either.
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

// Fills go from light (pass) to dark (fail), so the pictures still read in black and white.
const STYLE = `
:root { color-scheme: light; --text: #1d1f23; --muted: #555b65; --line: #d5d9df; --pass: #166534; --pass-bg: #dcfce7; --fail: #991b1b; --fail-bg: #fee2e2;
  --unknown: #854d0e; --unknown-bg: #fef3c7; --na: #475569; --na-bg: #e2e8f0;
  --fill-pass: #86d3a0; --fill-fail: #b42323; --fill-error: #6b1010; --fill-unknown: #e0a21b; --fill-na: #c5ccd6; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 960px; padding: 24px; background: #fff; color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, Ubuntu, sans-serif; }
h1 { font-size: 1.7rem; margin: 4px 0 8px; } h2 { font-size: 1.25rem; margin: 0 0 6px; } h3 { font-size: 1rem; margin: 18px 0 6px; }
.brand { font-weight: 700; letter-spacing: 0.04em; text-transform: uppercase; color: var(--muted); margin: 0; }
.meta, figcaption, .facts dt { color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0; } .facts dd { margin: 0; }
.demo { border: 1px dashed var(--unknown); padding: 8px 12px; border-radius: 6px; }
section { padding: 18px 0; border-top: 1px solid var(--line); }
table { border-collapse: collapse; width: 100%; margin: 6px 0; } th, td { text-align: left; vertical-align: top; padding: 4px 8px 4px 0; border-bottom: 1px solid var(--line); }
th { font-weight: 600; } td.wrap { overflow-wrap: anywhere; } td.when { white-space: nowrap; }
.badge { display: inline-block; min-width: 64px; text-align: center; padding: 1px 8px; border-radius: 999px; font-size: 0.85em; font-weight: 600; white-space: nowrap; }
.badge-pass { color: var(--pass); background: var(--pass-bg); } .badge-fail, .badge-error { color: var(--fail); background: var(--fail-bg); }
.badge-unknown { color: var(--unknown); background: var(--unknown-bg); } .badge-not_applicable { color: var(--na); background: var(--na-bg); }
.badge-confirmed { color: var(--pass); border: 1px dashed var(--pass); } .badge-manual { color: var(--na); border: 1px dashed var(--na); }
.verdict-ok { color: var(--pass); } .verdict-failing { color: var(--fail); } .verdict-unknown { color: var(--unknown); }
.details { margin: 0; font-size: 0.9em; color: var(--muted); } .details span + span::before { content: ' · '; }
figure { margin: 0; } svg { display: block; width: 100%; } .strip { height: 26px; } .trend { height: 90px; }
.strip-bg { fill: #f1f3f5; stroke: var(--line); stroke-width: 1; vector-effect: non-scaling-stroke; }
.fill-pass, .fill-passed { fill: var(--fill-pass); } .fill-fail, .fill-failed { fill: var(--fill-fail); } .fill-error { fill: var(--fill-error); }
.fill-unknown { fill: var(--fill-unknown); } .fill-not_applicable, .fill-manual { fill: var(--fill-na); } .noscan { fill: var(--line); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 6px 0; padding: 0; list-style: none; font-size: 0.85em; color: var(--muted); }
.legend li::before { content: ''; display: inline-block; width: 10px; height: 10px; margin-right: 5px; border-radius: 2px; background: var(--swatch); }
.key-pass { --swatch: var(--fill-pass); } .key-fail { --swatch: var(--fill-fail); } .key-unknown { --swatch: var(--fill-unknown); }
.key-error { --swatch: var(--fill-error); } .key-na { --swatch: var(--fill-na); } .key-noscan { --swatch: var(--line); }
.days { columns: 2; font-size: 0.9em; color: var(--muted); }
a { color: inherit; }
@media print {
  body { padding: 0; max-width: none; font-size: 11pt; }
  section { border-top: none; }
  section.check, section.not-applicable { break-before: page; }
  h2, h3, tr, figure { break-inside: avoid; break-after: avoid-page; }
  a[href^="https:"]::after { content: ' (' attr(href) ')'; color: var(--muted); font-size: 0.85em; }
}
`;

export function reportHtml(data: ReportData): string {
  const checks = reportChecks(data);
  const scanned = checks.filter((c) => c.result.status !== 'not_applicable');
  const notHere = checks.filter((c) => c.result.status === 'not_applicable');
  const range = commonRange(scanned);
  const when = localDateTime(data.report.finishedAt);
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Porchlight report, ${when}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<header>
<p class="brand">Porchlight report</p>
<h1 class="verdict-${data.verdict}">${OVERALL_STATE_TEXT[data.verdict]}</h1>
<p>${statusCountsText(statusCounts(data.report.results))}</p>
<dl class="facts">
<dt>Latest scan</dt><dd>${when}</dd>
<dt>Platform</dt><dd>${PLATFORM_NAMES[data.platform]}</dd>
<dt>Report made</dt><dd>${localDateTime(data.generatedAt)}</dd>
<dt>Times</dt><dd>this computer's (${utcOffset(data.generatedAt)})</dd>
</dl>
${data.demo ? html`<p class="demo"><strong>Demo data.</strong> A sample laptop answered by a stand-in osqueryd, not a real computer.</p>` : ''}
</header>
<section aria-labelledby="checks-title">
<h2 id="checks-title">Checks</h2>
<table>
<thead><tr><th scope="col">Check</th><th scope="col">Status</th><th scope="col">Summary</th></tr></thead>
<tbody>
${checks.map((c) => html`<tr><td><a href="#check-${c.result.checkId}">${c.result.title}</a></td><td>${badge(c)}</td><td class="wrap">${c.result.summary}</td></tr>
`)}</tbody>
</table>
</section>
${trendSection(data)}
${scanned.map((c) => checkSection(c, data, range))}
${notHere.length ? notApplicableSection(notHere, data) : ''}
<footer class="meta"><p>Made by Porchlight from its local history. Findings and names come from osquery on this computer.</p></footer>
</body>
</html>
`;
  return page.text;
}

function badge(c: ReportCheck): SafeHtml {
  const kind = c.result.status === 'unknown' && c.result.confirmation ? 'confirmed' : c.result.status;
  return html`<span class="badge badge-${kind}">${c.statusText}</span>`;
}

/** Every check's strip on one time axis, so they can be compared down the page. */
function commonRange(checks: ReportCheck[]): { from: number; to: number } | undefined {
  const history = checks.flatMap((c) => c.history);
  return history.length ? stripRange(history) : undefined;
}

function trendSection(data: ReportData): SafeHtml {
  const bars = trendBars(data.trend);
  const summary = trendSummary(data.trend);
  const width = 600;
  const height = 90;
  return html`<section aria-labelledby="trend-title">
<h2 id="trend-title">Last ${data.trend.length} days</h2>
<figure>
<svg class="trend" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label="${summary}">
${bars.map((bar) =>
  bar.scanned
    ? html`<g><title>${bar.label}</title>${bar.parts.map(
        (part) => html`<rect class="fill-${part.kind}" x="${num(bar.x * width)}" y="${num(part.y * height)}" width="${num(bar.width * width)}" height="${num(part.height * height)}"/>`,
      )}</g>`
    : html`<g><title>${bar.label}</title><rect class="noscan" x="${num(bar.x * width)}" y="${height - 2}" width="${num(bar.width * width)}" height="2"/></g>`,
)}
</svg>
<figcaption>${summary}. Each day counts every check once, by its worst result that day.</figcaption>
</figure>
<ul class="legend"><li class="key-fail">failed</li><li class="key-unknown">could not tell</li><li class="key-pass">passed</li><li class="key-noscan">no scan</li></ul>
<ul class="days">${data.trend.filter((d) => d.scans > 0).map((d) => html`<li>${trendDayLabel(d)}</li>`)}</ul>
</section>
`;
}

function checkSection(c: ReportCheck, data: ReportData, range: { from: number; to: number } | undefined): SafeHtml {
  const { result, check } = c;
  return html`<section class="check" id="check-${result.checkId}" aria-labelledby="title-${result.checkId}">
<h2 id="title-${result.checkId}">${result.title} ${badge(c)}</h2>
<p class="meta">${check.category} · ${check.severity} severity</p>
<p><strong>${result.summary}</strong></p>
${result.reason ? html`<p>${result.status === 'error' ? 'osquery said' : 'Why'}: ${result.reason}</p>` : ''}
${result.confirmation
  ? html`<p>You confirmed on ${localDateTime(result.confirmation.confirmedAt)}: ${result.confirmation.statement}. This is your word, not osquery's, and never a pass; Porchlight asks again after ${localDateTime(result.confirmation.expiresAt)}.</p>`
  : ''}
<p>${check.description}</p>
${check.visibility ? html`<p class="meta">What osquery sees as you: ${check.visibility}</p>` : ''}
<h3>Findings</h3>
${c.findings.length ? findingsTable(c.findings) : html`<p class="meta">No findings.</p>`}
${result.status === 'unknown' && check.selfCheck
  ? html`<h3>See for yourself</h3><ol>${check.selfCheck.steps.map((step) => html`<li>${step}</li>`)}</ol>`
  : ''}
<h3>What to do on ${PLATFORM_NAMES[data.platform]}</h3>
${check.remediation.summary ? html`<p>${check.remediation.summary}</p>` : ''}
${check.remediation.steps.length ? html`<ol>${check.remediation.steps.map((step) => html`<li>${step}</li>`)}</ol>` : html`<p class="meta">No steps for this system.</p>`}
${check.remediation.links.length
  ? html`<ul>${check.remediation.links.map((link) =>
      isOpenableLink(link.url)
        ? html`<li><a href="${link.url}" rel="noopener noreferrer">${link.label}</a></li>`
        : html`<li>${link.label}: ${link.url}</li>`,
    )}</ul>`
  : ''}
<h3>History</h3>
${historyFigure(c, range)}
</section>
`;
}

function findingsTable(findings: ReportFinding[]): SafeHtml {
  return html`<p>${findingCountsText(findings)}</p>
<table>
<thead><tr><th scope="col">Finding</th><th scope="col">Why</th><th scope="col">State</th><th scope="col">First seen</th></tr></thead>
<tbody>
${findings.map(
  (f) => html`<tr><td class="wrap">${f.title}${detailList(f.detail)}</td><td class="wrap">${f.reason}</td><td>${f.stateText}</td><td class="when">${f.firstSeen ? localDateTime(f.firstSeen) : ''}</td></tr>
`,
)}</tbody>
</table>`;
}

function detailList(detail: Record<string, string>): SafeHtml {
  const entries = Object.entries(detail).filter(([, value]) => value !== '');
  return entries.length ? html`<p class="details">${entries.map(([key, value]) => html`<span>${key}: ${value}</span>`)}</p>` : html``;
}

function historyFigure(c: ReportCheck, range: { from: number; to: number } | undefined): SafeHtml {
  if (c.history.length === 0) return html`<p class="meta">No history yet.</p>`;
  const width = 1000;
  const height = 26;
  const summary = stripSummary(c.result.title, c.history);
  return html`<figure>
<svg class="strip" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label="${summary}">
<rect class="strip-bg" x="0" y="0" width="${width}" height="${height}"/>
${historyStrip(c.history, range).map(
  (s) => html`<rect class="fill-${s.status}" x="${num(s.x * width)}" y="0" width="${num(s.width * width)}" height="${height}"><title>${s.label}</title></rect>`,
)}
</svg>
${range ? html`<figcaption>From ${localDateTime(range.from)} (left) to ${localDateTime(range.to)} (right), as for every check here.</figcaption>` : ''}
</figure>
<ul class="legend"><li class="key-pass">pass</li><li class="key-fail">fail</li><li class="key-unknown">unknown</li><li class="key-error">error</li><li class="key-noscan">no result</li></ul>
<table>
<thead><tr><th scope="col">Result</th><th scope="col">Findings</th></tr></thead>
<tbody>${[...c.history].reverse().map((entry) => html`<tr><td class="wrap">${runLabel(entry)}</td><td>${entry.findingCount}</td></tr>`)}</tbody>
</table>`;
}

function notApplicableSection(checks: ReportCheck[], data: ReportData): SafeHtml {
  return html`<section class="not-applicable" aria-labelledby="na-title">
<h2 id="na-title">Not checked on ${PLATFORM_NAMES[data.platform]}</h2>
<ul>${checks.map((c) => html`<li id="check-${c.result.checkId}">${c.result.title}: ${c.check.description}</li>`)}</ul>
</section>
`;
}

const num = (value: number) => Math.round(value * 100) / 100;
