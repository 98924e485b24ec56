/**
 * The window is served from app://porchlight/, not file://: a file:// page shares its origin with
 * every file on disk and gets privileges a web page would not (Electron's security checklist, "Avoid
 * usage of the file protocol"), and the grantFileProtocolExtraPrivileges fuse can then be off.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'porchlight';
/** The window's page; its route goes in the hash. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * For protocol.registerSchemesAsPrivileged, which must run before the app is ready: standard
 * (relative URLs resolve, the page has an origin of its own), secure (CSP 'self') and fetch-capable
 * (Chromium loads module scripts, as Vite emits them, through fetch).
 */
export const APP_SCHEME_PRIVILEGES = [{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const refuse = (status: number, text: string) => new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });

/**
 * protocol.handle's handler for app://porchlight/: files under `root` (the built renderer), read-only,
 * nothing outside it whatever the path says (.., encoded separators, another host).
 */
export function appFileHandler(root: string): (request: Request) => Promise<Response> {
  const base = path.resolve(root);
  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refuse(404, 'not found');
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'read-only');
    let wanted: string;
    try {
      wanted = decodeURIComponent(url.pathname);
    } catch {
      return refuse(400, 'bad path');
    }
    const file = path.resolve(base, `.${wanted === '/' ? '/index.html' : wanted}`);
    const inside = path.relative(base, file);
    if (!inside || inside.startsWith('..') || path.isAbsolute(inside) || wanted.includes('\0')) return refuse(404, 'not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return refuse(404, 'not found');
    }
    const headers = {
      'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
    };
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}

/** Our window's page, whatever its route: the scheme, the host and the path must all be ours. */
export function isAppPage(url: string): boolean {
  try {
    const page = new URL(url);
    return page.protocol === `${APP_SCHEME}:` && page.host === APP_HOST && page.username === '' && page.password === '' && page.pathname === '/index.html';
  } catch {
    return false;
  }
}
