/**
 * Well-known store extensions: shown with their access but not counted, unless they ask for
 * more than they are known to. Ids are per store (the Edge Add-ons copy of an extension has its
 * own id). `access` is what the published manifest grants, reduced to what the risk rules look
 * at: the sensitive permissions, and "<all sites>" for access to every site.
 *
 * Where each entry comes from (read for Porchlight in 2026; manifests change, which is why only
 * the sensitive part is pinned):
 * - uBlock Origin / uBO Lite: gorhill/uBlock platform/chromium/manifest.json and
 *   platform/mv3/chromium/manifest.json; ids from its README and uBOLiteRedux's manifest.
 * - Bitwarden: bitwarden/clients apps/browser/src/manifest.v3.json; ids from apps/browser/README.md.
 * - KeePassXC-Browser: keepassxreboot/keepassxc-browser manifest.json and README.md.
 * - Proton Pass: ProtonMail/WebClients applications/pass-extension/manifest-chrome.json (the
 *   Chrome id is computed from that manifest's key, as osquery computes `identifier`).
 * - Dark Reader: darkreader/darkreader src/manifest-chrome-mv3.json and README.md.
 * - Privacy Badger: EFForg/privacybadger src/manifest.json (mv3-chrome) and doc/admin-deployment.md.
 * - Firefox Multi-Account Containers: mozilla/multi-account-containers src/manifest.json.
 * - 1Password, LastPass, Grammarly, Adobe Acrobat (closed source): the permissions osquery reported
 *   for them in chainguard-dev/osquery-defense-kit's allowlist and wazuh/wazuh#29737, plus the
 *   `scripting` permission every Manifest V3 autofill or page tool needs.
 * - Google Docs Offline: Chromium's kDriveExtensionId (chrome/common/extensions/extension_constants.cc);
 *   Chrome installs it by default, with access to docs.google.com and drive.google.com only.
 */
export interface KnownExtension {
  name: string;
  ids: { chrome?: string; edge?: string; firefox?: string };
  /** Sensitive permissions it is known to hold, and "<all sites>" when it reads every site. */
  access: readonly string[];
}

export const ALL_SITES = '<all sites>';

export const KNOWN_EXTENSIONS: readonly KnownExtension[] = [
  {
    name: 'uBlock Origin',
    ids: { chrome: 'cjpalhdlnbpafiamejdnhcphjbkeiagm', edge: 'odfafepnkmbhccpbejgmiehpchacaeak', firefox: 'uBlock0@raymondhill.net' },
    access: [ALL_SITES, 'webRequest', 'webRequestBlocking'],
  },
  {
    name: 'uBlock Origin Lite',
    ids: { chrome: 'ddkjiahejlhfcafbddmgiahcphecmpfh', edge: 'cimighlppcgcoapaliogpjjdehbnofhn', firefox: 'uBOLiteRedux@raymondhill.net' },
    access: [ALL_SITES, 'scripting'],
  },
  {
    name: 'Bitwarden',
    ids: { chrome: 'nngceckbapebfimnlniiiahkandclblb', edge: 'jbkfoedolllekgbhcbcoahefnbanhhlh', firefox: '{446900e4-71c2-419f-a6a7-df9c091e268b}' },
    access: [ALL_SITES, 'cookies', 'scripting', 'webRequest'],
  },
  {
    name: '1Password',
    ids: { chrome: 'aeblfdkhhhdcdjpifhhbdiojplfjncoa', edge: 'dppgmdbiimibapkepcbdbmkaabgiofem', firefox: '{d634138d-c276-4fc8-924b-40a0ea21d284}' },
    access: [ALL_SITES, 'management', 'nativeMessaging', 'scripting', 'webRequest', 'webRequestBlocking'],
  },
  {
    name: 'LastPass',
    ids: { chrome: 'hdokiejnpimakedhajhdlcegeplioahd' },
    access: [ALL_SITES, 'scripting', 'webRequest', 'webRequestBlocking'],
  },
  {
    name: 'Proton Pass',
    ids: { chrome: 'ghmbeldphafepmbegfdlkpapadhbakde', firefox: '78272b6fa58f4a1abaac99321d503a20@proton.me' },
    access: [ALL_SITES, 'scripting', 'webRequest'],
  },
  {
    name: 'KeePassXC-Browser',
    ids: { chrome: 'oboonakemofpalcgghocfoadofidjkkk', edge: 'pdffhmdngciaglkoonimfcmckehcpafo', firefox: 'keepassxc-browser@keepassxc.org' },
    access: [ALL_SITES, 'cookies', 'nativeMessaging', 'webRequest', 'webRequestBlocking'],
  },
  {
    name: 'Grammarly',
    ids: { chrome: 'kbfnbcaeplbcioakkpcpgfkobkghlhen' },
    access: [ALL_SITES, 'cookies', 'scripting'],
  },
  {
    name: 'Adobe Acrobat',
    ids: { chrome: 'efaidnbmnnnibpcajpcglclefindmkaj' },
    access: [ALL_SITES, 'cookies', 'nativeMessaging', 'scripting', 'webRequest'],
  },
  {
    name: 'Dark Reader',
    ids: { chrome: 'eimadpbcbfnmbkopoojfekhnkhdbieeh', edge: 'ifoakfbpdcdoeenechcleahebpibofpc', firefox: 'addon@darkreader.org' },
    access: [ALL_SITES, 'scripting'],
  },
  {
    name: 'Privacy Badger',
    ids: { chrome: 'pkehgijcmpdhfbdbbnkijodmdjhbjlgp', edge: 'mkejgcgkdlddbggjhhflekkondicpnop', firefox: 'jid1-MnnxcxisBPnSXQ@jetpack' },
    access: [ALL_SITES, 'cookies', 'scripting', 'webRequest'],
  },
  {
    name: 'Firefox Multi-Account Containers',
    ids: { firefox: '@testpilot-containers' },
    access: [ALL_SITES, 'cookies', 'management', 'webRequest', 'webRequestBlocking'],
  },
  {
    name: 'Google Docs Offline',
    ids: { chrome: 'ghbmnnjooekpmoecnnnilnnbdlolhkhi' },
    access: [],
  },
];

export type ExtensionStore = keyof KnownExtension['ids'];

export function knownExtension(store: ExtensionStore | undefined, id: string): KnownExtension | undefined {
  if (!store) return undefined;
  return KNOWN_EXTENSIONS.find((known) => known.ids[store] === id);
}
