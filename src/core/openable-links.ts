/**
 * Schemes Porchlight hands to the OS: web pages and the OS settings deep links remediation uses.
 * Anything else (file:, javascript:, a custom app's scheme) could run something.
 */
export const OPENABLE_SCHEMES = ['https:', 'x-apple.systempreferences:', 'ms-settings:', 'windowsdefender:'] as const;

export function isOpenableLink(url: string): boolean {
  try {
    return (OPENABLE_SCHEMES as readonly string[]).includes(new URL(url).protocol);
  } catch {
    return false;
  }
}
