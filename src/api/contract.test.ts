import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test/helpers/standin.js';
import { secureWebPreferences } from '../main/window.js';
import { CONTENT_SECURITY_POLICY } from '../server/http-bridge.js';
import { EVENT_NAMES } from './call-result.js';
import { API, EVENTS, isOpenableLink } from './contract.js';

describe('API contract', () => {
  it('declares a request and a response schema for every call, and a payload schema for every event', () => {
    for (const [method, spec] of Object.entries(API)) {
      expect(spec.request, method).toBeDefined();
      expect(spec.response, method).toBeDefined();
    }
    expect(Object.keys(EVENTS).sort()).toEqual([...EVENT_NAMES].sort());
  });

  it('rejects payloads that do not fit, saying where', () => {
    const result = API.acknowledge.request.safeParse({ findingId: '', until: -5, note: 'x'.repeat(600) });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['findingId', 'note', 'until']);
    expect(API.runQuery.request.safeParse({ sql: '   ' }).success).toBe(false);
    expect(API.getStatus.request.safeParse({ sneaky: true }).success).toBe(false);
  });

  it('turns checks on or off by ids or by a source, never both or neither', () => {
    const request = API.setChecksEnabled.request;
    expect(request.safeParse({ source: 'cis-policy-queries', enabled: false }).success).toBe(true);
    expect(request.safeParse({ checkIds: ['firewall'], enabled: true }).success).toBe(true);
    expect(request.safeParse({ enabled: true }).error?.issues.map((i) => i.message)).toEqual(['give checkIds or a source']);
    expect(request.safeParse({ checkIds: ['firewall'], source: 'Built-in', enabled: true }).success).toBe(false);
  });

  it('opens only web pages and the OS settings deep links remediation uses', () => {
    for (const url of ['https://support.apple.com/x', 'x-apple.systempreferences:com.apple.preference.security?FileVault', 'ms-settings:windowsupdate']) {
      expect(isOpenableLink(url), url).toBe(true);
    }
    for (const url of ['http://insecure.example', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://server/share', 'not a url', 'vbscript:x']) {
      expect(isOpenableLink(url), url).toBe(false);
    }
  });
});

describe('renderer security', () => {
  it('runs the window isolated, sandboxed and without Node', () => {
    expect(secureWebPreferences('/p/preload.cjs')).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it('ships a strict CSP in the built HTML, with no inline script', () => {
    const html = readFileSync(path.join(REPO_ROOT, 'dist', 'renderer', 'index.html'), 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });
});
