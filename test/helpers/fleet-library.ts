/**
 * A policy library of any size shaped like Fleet's CIS files (written for Porchlight's tests): on
 * the demo laptop a sixth of its policies pass, a sixth fail, a third name tables a plain osqueryd
 * does not have (Fleet's file_lines, sysctl), and a third are checked by hand.
 */
export function fleetLibrary(size: number, title = 'CIS Distribution Linux'): string {
  const documents: string[] = [];
  for (let i = 1; i <= size; i++) {
    const section = `${Math.ceil(i / 20)}.${((i - 1) % 20) + 1}`;
    const [name, query, purpose] = policyKind(i, section);
    documents.push(`apiVersion: v1
kind: policy
spec:
  name: ${title} - ${section} ${name}
  platforms: linux
  platform: linux
  description: ${name}
  resolution: |
    Follow the benchmark's remediation for ${section}.
  query: |
    ${query}
  purpose: ${purpose}
  tags: compliance, CIS, CIS_Level1
  contributors: porchlight-tests`);
  }
  return documents.join('\n---\n') + '\n';
}

function policyKind(i: number, section: string): [string, string, string] {
  switch (i % 6) {
    case 0:
      return [`Ensure module ${section} is not loaded (Automated)`, `SELECT 1 FROM file_lines WHERE path = '/etc/modprobe.d/m${i}.conf' AND line LIKE 'install%';`, 'Informational'];
    case 1:
      return [`Ensure package ${section} is not installed (Automated)`, `SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM deb_packages WHERE name = 'pkg-${i}');`, 'Informational'];
    case 2:
      return [`Ensure option ${section} is set on /tmp (Automated)`, `SELECT 1 FROM mounts WHERE path = '/tmp' AND flags LIKE '%opt${i}%';`, 'Informational'];
    case 3:
      return [`Ensure setting ${section} is configured (Automated)`, `SELECT 1 FROM sysctl WHERE name = 'kernel.setting${i}' AND value = '1';`, 'Informational'];
    default:
      return [`Ensure control ${section} is reviewed (Manual)`, 'SELECT 1 WHERE 0;', 'Manual Validation Required'];
  }
}
