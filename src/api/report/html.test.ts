import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_BREAKER, sampleReportData, SCRIPT_NAME } from '../../../test/helpers/report-data.js';
import { reportHtml, REPORT_CSP } from './html.js';
import { escapeHtml, html } from './safe-html.js';

const page = reportHtml(sampleReportData());

/** The HTML of one check's section. */
function section(id: string): string {
  const start = page.indexOf(`<section class="check" id="check-${id}"`);
  expect(start, id).toBeGreaterThan(-1);
  return page.slice(start, page.indexOf('</section>', start));
}

describe('the HTML report', () => {
  it('escapes every name osquery gave, so none becomes markup', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    // Written out as text, it is harmless; inside a tag it would run.
    expect(page).not.toMatch(/<[a-z][^>]*\sonerror=/i);
    expect(page).toContain(escapeHtml(`${SCRIPT_NAME} (chrome)`));
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain(`${escapeHtml(ATTRIBUTE_BREAKER)} (edge)`);
    expect(page).toContain('My &quot;own&quot; check &amp; &lt;friends&gt;');
    expect(page).toContain('osquery said: no such table: &lt;bogus&gt;');
  });

  it('fetches nothing and runs nothing: its own CSP, no external resources, links only of allowed kinds', () => {
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">`);
    expect(REPORT_CSP).toMatch(/^default-src 'none';/);
    expect(page).not.toMatch(/<[a-z][^>]*\ssrc=|<link|@import|url\(|<iframe|<object/i);
    const hrefs = [...page.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.filter((href) => !href.startsWith('#'))).toEqual(['windowsdefender://network', 'ms-settings:windowsdefender']);
    expect(page).toContain('<li>Sneaky: javascript:alert(3)</li>');
  });

  it('says the overall state, the scan date and the platform', () => {
    expect(page).toContain('<h1 class="verdict-failing">Needs attention</h1>');
    expect(page).toContain('1 fail · 1 could not run · 1 confirmed by you · 1 pass · 1 not on this OS');
    expect(page).toMatch(/<dt>Latest scan<\/dt><dd>2026-11-27 14:00<\/dd>/);
    expect(page).toContain('<dt>Platform</dt><dd>Windows</dd>');
  });

  it("shows the owner's confirmation as theirs, never as a pass", () => {
    const disk = section('disk-encryption');
    expect(disk).toContain('<span class="badge badge-confirmed">Confirmed by you</span>');
    expect(disk).not.toContain('badge-pass');
    expect(disk).toContain("This is your word, not osquery's, and never a pass");
    expect(disk).toContain('<h3>See for yourself</h3>');
  });

  it('lists findings with their state and details, and what to do on this OS', () => {
    const extensions = section('browser-extensions');
    expect(extensions).toContain('4 findings: 2 need attention, 1 acknowledged, 1 listed for you to see');
    expect(extensions).toMatch(/<td>acknowledged until \d{4}-\d\d-\d\d<\/td>/);
    expect(extensions).toContain('<td>listed for you to see</td>');
    expect(extensions).toContain('<span>sites: every site</span>');
    expect(extensions).toContain('<h3>What to do on Windows</h3>');
    expect(extensions).toContain('<li>Open the settings for Browser extensions.</li>');
  });

  it('draws each check’s history as a strip of status segments with titles and a text alternative', () => {
    const firewall = section('firewall');
    const segments = [...firewall.matchAll(/<rect class="fill-(\w+)"[^>]*><title>([^<]*)<\/title><\/rect>/g)].map((m) => [m[1], m[2]]);
    expect(segments.map(([status]) => status)).toEqual(['pass', 'fail', 'pass']);
    expect(segments[1]![1]).toMatch(/^Fail, 2026-11-16 14:00 – 2026-11-18 14:00: No firewall is on$/);
    expect(firewall).toMatch(/<svg class="strip"[^>]*role="img" aria-label="Firewall over time: 3 results from 2026-11-07 14:00 to 2026-11-27 14:00; latest Pass"/);
    expect(firewall).toContain('<td class="wrap">Fail, 2026-11-16 14:00 – 2026-11-18 14:00: No firewall is on</td>');
    expect(page).not.toContain('id="check-screen-lock" aria-labelledby');
    expect(page).toContain('<h2 id="na-title">Not checked on Windows</h2>');
  });

  it('draws the last 30 days as stacked bars, days without a scan as a flat line', () => {
    const bars = [...page.matchAll(/<g><title>([^<]*)<\/title>/g)].map((m) => m[1]!);
    expect(bars).toHaveLength(30);
    expect(bars.filter((b) => b.endsWith('no scan'))).toHaveLength(21);
    expect(bars.at(-1)).toMatch(/: 1 failed, 1 could not tell, 2 passed$/);
    expect(page).toMatch(/aria-label="Last 30 days: scanned on 9 days; latest, [\d-]+: 1 failed, 1 could not tell, 2 passed"/);
  });

  it('breaks pages between sections when printed, on a light background', () => {
    expect(page).toMatch(/@media print \{[\s\S]*section\.check, section\.not-applicable \{ break-before: page; \}/);
    expect(page).toContain('color-scheme: light');
    expect(page).not.toContain('prefers-color-scheme: dark');
  });
});

describe('html templates', () => {
  it('escape values in text and attributes, and nest without escaping twice', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x\' & y'}">${inner}${['a', '<', 3]}${null}${false}</p>`.text).toBe(
      '<p title="&quot;x&#39; &amp; y"><b>&lt;i&gt;</b>a&lt;3</p>',
    );
  });
});
