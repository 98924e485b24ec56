/**
 * What the owner agrees to before Porchlight enrolls this laptop with a Fleet server, in the same
 * words for every shell: the CLI prints it before `--yes`, the window shows it in its confirm
 * dialog. Zod-free, so the renderer can bundle it.
 */
export function fleetConsent(hostname: string): string[] {
  return [
    `Connect this laptop to the Fleet server at ${hostname}?`,
    'While Porchlight runs, the server’s admin can run any osquery SQL on this laptop, at any time, and schedule queries that run by themselves. They see what osquery sees: installed software, browser extensions, listening ports and running programs, user accounts, disk and system settings.',
    'osquery runs as you, not as an administrator, so the server sees what your account can see: files you can read (through tables such as file, hash and shell_history), and it can make web requests from this laptop (the curl table).',
    'Porchlight lists every query the server asks (the Fleet page in the window, or porchlight fleet log), and tells you if the server turns osquery’s log of them off.',
    'To disconnect: Disconnect on the Fleet page, or porchlight fleet unenroll. osquery forgets its enrollment; the server keeps what it has already collected.',
  ];
}
