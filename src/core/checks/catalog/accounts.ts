import type { CheckDefinitionInput } from '../definition.js';
import { OWN_UID } from './sql.js';

/**
 * Administrators, each said to be you or another account. The owner of a personal laptop being
 * its administrator is normal, so only the others are counted ("acknowledge the ones you expect").
 */
const ADMINS = (from: string, extra = '') => `SELECT u.uid, u.username${extra},
  CASE WHEN u.uid = ${OWN_UID} THEN 0 ELSE 1 END AS counted,
  CASE WHEN u.uid = ${OWN_UID} THEN 'this is you: the owner of a personal computer is usually its administrator'
       ELSE 'another account that can change anything on this computer' END AS reason
${from}`;

const WINDOWS_ADMINISTRATORS = "(SELECT gid FROM groups WHERE group_sid = 'S-1-5-32-544')";

export const administratorAccounts: CheckDefinitionInput = {
  id: 'administrator-accounts',
  title: 'Administrator accounts',
  description: 'Accounts other than yours that can change anything on this computer. Acknowledge the ones you expect.',
  category: 'accounts',
  severity: 'low',
  queries: {
    // users and groups come from Open Directory's local node and user_groups from getgrouplist
    // (tables/system/darwin/user_groups.mm:26-234), all readable by any user. admin is gid 80;
    // role accounts start with "_". Fleet: local-admin-count-reasonable.yml.
    darwin: {
      sql: ADMINS(
        `FROM users u JOIN user_groups ug ON ug.uid = u.uid
WHERE ug.gid = 80 AND u.uid >= 500 AND u.username NOT LIKE '\\_%' ESCAPE '\\'`,
        ', u.is_hidden AS hidden',
      ),
      preconditions: [{ sql: `SELECT 1 FROM user_groups WHERE uid = ${OWN_UID}`, reason: 'osquery could not read which groups your account is in' }],
      visibility: 'osquery reads every local account and its groups as you.',
    },
    // users reads /etc/passwd, groups and user_groups go through NSS (tables/system/linux/users.cpp:96-159,
    // groups.cpp, user_groups.cpp): world-readable. sudoers itself is root's and not read.
    linux: {
      sql: ADMINS(
        `FROM users u JOIN user_groups ug ON ug.uid = u.uid JOIN groups g ON g.gid = ug.gid
WHERE g.groupname IN ('sudo', 'wheel', 'admin') AND u.uid >= 1000 AND u.uid < 65534`,
      ),
      preconditions: [{ sql: `SELECT 1 FROM user_groups WHERE uid = ${OWN_UID}`, reason: 'osquery could not read which groups your account is in' }],
      visibility: 'osquery reads the local accounts and groups as you (not sudoers rules, which only root can read).',
    },
    // Windows names the Administrators group in the display language, so it is found by its SID
    // (groups_service.cpp:75-140). uid is the SID's last part (RID). The built-in Administrator
    // (RID 500) is disabled by default, and osquery does not show whether an account is disabled
    // (users_service.cpp:212-245 drops USER_INFO_4's flags): listed, not counted.
    windows: {
      sql: ADMINS(
        `FROM users u JOIN user_groups ug ON ug.uid = u.uid
WHERE ug.gid = ${WINDOWS_ADMINISTRATORS} AND u.type = 'local' AND u.uid != 500`,
        ', u.uuid AS sid',
      ).concat(`
UNION ALL
SELECT u.uid, u.username, u.uuid, 0, 'the built-in Administrator account, disabled unless someone turned it on (osquery cannot see which)'
FROM users u JOIN user_groups ug ON ug.uid = u.uid
WHERE ug.gid = ${WINDOWS_ADMINISTRATORS} AND u.type = 'local' AND u.uid = 500`),
      preconditions: [
        { sql: "SELECT 1 FROM groups WHERE group_sid = 'S-1-5-32-544'", reason: 'osquery could not find the Administrators group' },
        { sql: `SELECT 1 FROM user_groups WHERE uid = ${OWN_UID}`, reason: 'osquery could not read which groups your account is in' },
      ],
      visibility: 'osquery reads the local accounts and the Administrators group as you, but not whether an account is disabled.',
    },
  },
  evaluation: { kind: 'findings', key: ['username'], title: '{username} is an administrator' },
  remediation: {
    summary: 'Use a standard account day to day; keep administrator rights for the people who need them.',
    steps: {
      darwin: ['Open System Settings → Users & Groups and turn off "Allow this user to administer this computer" for accounts that do not need it.'],
      linux: ['Remove a user from the sudo group: `sudo deluser USER sudo` (or `gpasswd -d USER wheel`).'],
      windows: ['Open Settings → Accounts → Other users, choose the account and change its type to Standard User.'],
    },
  },
};

/**
 * suid_bin walks /bin, /sbin, /usr/bin, /usr/sbin, /usr/local/bin, /usr/local/sbin and /tmp,
 * skipping what it may not read (tables/system/posix/suid_bin.cpp:29-97). Where /bin is a link to
 * usr/bin (merged /usr), every program is found twice; the /bin copy is dropped.
 */
const SUID = `SELECT path, username, groupname, permissions FROM suid_bin
WHERE NOT (path LIKE '/bin/%' AND (SELECT symlink FROM file WHERE path = '/bin') = 1)
  AND NOT (path LIKE '/sbin/%' AND (SELECT symlink FROM file WHERE path = '/sbin') = 1)`;

export const newSuidBinaries: CheckDefinitionInput = {
  id: 'new-suid-binaries',
  title: 'New set-user-ID programs',
  description: 'Programs that run with their owner’s rights, added since Porchlight’s first scan.',
  category: 'system',
  severity: 'high',
  queries: {
    darwin: { sql: SUID, visibility: 'osquery sees the programs in the system’s program folders and /tmp as you.' },
    linux: { sql: SUID, visibility: 'osquery sees the programs in the system’s program folders and /tmp as you.' },
  },
  evaluation: { kind: 'findings', key: ['path'], title: '{path} runs as {username}', baseline: true },
  remediation: {
    summary: 'If you did not install it, remove the set-user-ID bit or the program, and check how it got there.',
    steps: {
      darwin: ['Check the file: `ls -l PATH`; if unexpected, `sudo chmod u-s PATH`.'],
      linux: ['Check which package owns it: `dpkg -S PATH` or `rpm -qf PATH`; if none, `sudo chmod u-s PATH`.'],
    },
  },
};

/**
 * user_ssh_keys and authorized_keys read the homes of the users in the query's context, by default
 * only the user osqueryd runs as (tables/system/system_utils.cpp:44-46); other homes are not
 * readable as a user anyway.
 */
const OWN_KEYS_ONLY = 'osquery reads your own SSH keys; other accounts’ folders are closed to it as you.';

export const sshKeysWithoutPassphrase: CheckDefinitionInput = {
  id: 'ssh-keys-without-passphrase',
  title: 'SSH keys without a passphrase',
  description: 'A private SSH key without a passphrase lets anyone who copies the file use it.',
  category: 'ssh',
  severity: 'medium',
  queries: Object.fromEntries(
    (['darwin', 'linux', 'windows'] as const).map((platform) => [
      platform,
      { sql: 'SELECT k.uid, k.path, k.key_type FROM user_ssh_keys k WHERE k.encrypted = 0', visibility: OWN_KEYS_ONLY },
    ]),
  ),
  evaluation: { kind: 'findings', key: ['path'], title: '{path} has no passphrase' },
  remediation: {
    summary: 'Add a passphrase to the key; an SSH agent remembers it for you.',
    steps: {
      darwin: ['Run `ssh-keygen -p -f PATH` and choose a passphrase.'],
      linux: ['Run `ssh-keygen -p -f PATH` and choose a passphrase.'],
      windows: ['Run `ssh-keygen -p -f PATH` in PowerShell and choose a passphrase.'],
    },
  },
};

export const authorizedSshKeys: CheckDefinitionInput = {
  id: 'authorized-ssh-keys',
  title: 'Authorized SSH keys',
  description: 'Keys that can log in to your account over SSH. Acknowledge the ones you expect.',
  category: 'ssh',
  severity: 'medium',
  queries: Object.fromEntries(
    (['darwin', 'linux'] as const).map((platform) => [
      platform,
      {
        sql: `SELECT a.uid, COALESCE((SELECT username FROM users WHERE uid = a.uid LIMIT 1), '') AS username, a.key_file, a.algorithm, a.comment, a.key
FROM authorized_keys a`,
        visibility: OWN_KEYS_ONLY,
      },
    ]),
  ),
  evaluation: { kind: 'findings', key: ['key_file', 'algorithm', 'key'], title: '{algorithm} key "{comment}" may log in as {username}' },
  remediation: {
    summary: 'Remove keys you do not recognise from the authorized_keys file.',
    steps: {
      darwin: ['Edit the file named in the finding (usually ~/.ssh/authorized_keys) and delete the key’s line.'],
      linux: ['Edit the file named in the finding (usually ~/.ssh/authorized_keys) and delete the key’s line.'],
    },
  },
};
