import { describe, expect, it } from 'vitest';
import { explainSqlError, queryProblem } from './query-validator.js';

describe("imported SQL against osquery 5.23.1's schema", () => {
  it('accepts what osquery runs: its tables and hidden columns, its functions, double-quoted strings as Fleet writes them', () => {
    expect(queryProblem("SELECT 1 FROM mounts WHERE path = '/' AND flags LIKE 'rw%'", 'linux')).toBeUndefined();
    expect(queryProblem('SELECT pid_with_namespace FROM users', 'linux')).toBeUndefined();
    expect(queryProblem("SELECT regex_match(version, '^(\\d+)', 1), split(name, '.', 0), sha256(name) FROM os_version", 'linux')).toBeUndefined();
    expect(queryProblem('SELECT CASE cnt WHEN 2 THEN "TRUE" ELSE "FALSE" END "Vulnerable" FROM (SELECT COUNT(name) AS cnt FROM services WHERE name = "Spooler")', 'windows')).toBeUndefined();
    expect(queryProblem("SELECT path, matches FROM yara WHERE path = '/tmp/x' AND sigrule = 'rule a { condition: true }'", 'linux')).toBeUndefined();
  });

  it("names a table only Fleet's agent has, and why a plain osqueryd answers no such table", () => {
    const fileLines = "SELECT 1 FROM file_lines WHERE path LIKE '/etc/modprobe.d/%.conf' AND line LIKE 'install cramfs%'";
    expect(queryProblem(fileLines, 'linux')).toBe("needs Fleet's `file_lines` extension table, which a plain osqueryd does not have");
    expect(queryProblem('SELECT 1 FROM cis_audit WHERE item = "1.2.1"', 'windows')).toBe(
      "needs Fleet's `cis_audit` extension table, which a plain osqueryd does not have",
    );
  });

  it("says osquery's own name for a table or column a policy got wrong", () => {
    expect(queryProblem("SELECT 1 FROM sysctl WHERE name = 'net.ipv4.ip_forward' AND value = '0'", 'linux')).toBe(
      "uses `sysctl`: osquery's table is system_controls, not sysctl",
    );
    expect(queryProblem("SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM systemd_units WHERE name = 'rsync.service')", 'linux')).toBe(
      "systemd_units has no column name; osquery's is id",
    );
    expect(queryProblem("SELECT 1 FROM processes p JOIN systemd_units AS u ON u.name = p.name", 'linux')).toBe(
      "systemd_units has no column name; osquery's is id",
    );
    expect(queryProblem("SELECT 1 FROM system_controls WHERE name = 'kernel.randomize_va_space' AND value = '2'", 'linux')).toBe(
      "system_controls has no column value; osquery's is current_value",
    );
  });

  it('says which table lacks a column, which platform has a table, and what osquery has not at all', () => {
    expect(queryProblem('SELECT no_such FROM users', 'linux')).toBe('users has no column no_such');
    expect(queryProblem('SELECT 1 FROM users u JOIN groups g USING (gid) WHERE sid = 1', 'linux')).toBe(
      'none of the tables it reads (users, groups) has a column sid',
    );
    expect(queryProblem("SELECT 1 FROM registry WHERE path = 'x'", 'linux')).toBe('uses `registry`, which osquery has on Windows only, not on Linux');
    expect(queryProblem('SELECT 1 FROM mdm', 'darwin')).toBe("needs Fleet's `mdm` extension table, which a plain osqueryd does not have");
    expect(queryProblem('SELECT 1 FROM flux_capacitor', 'darwin')).toBe('uses `flux_capacitor`, which osquery 5.23.1 does not have');
    expect(queryProblem('SELECT frobnicate(username) FROM users', 'darwin')).toBe("uses the function frobnicate(), which osquery's SQL does not have");
  });

  it('refuses what is not one SELECT', () => {
    expect(queryProblem('DELETE FROM users', 'linux')).toBe('is not a query: osquery runs SELECT statements only');
    expect(queryProblem('SELECT 1; SELECT 2', 'linux')).toMatch(/^osquery would refuse it: .*more than one statement/);
    expect(queryProblem('SELEC 1', 'linux')).toMatch(/^osquery would refuse it: near "SELEC": syntax error/);
  });

  it("explains osquery's own error at scan time, and leaves other errors to osquery's words", () => {
    expect(explainSqlError('no such table: file_lines', 'SELECT 1 FROM file_lines', 'linux')).toContain("Fleet's `file_lines` extension table");
    expect(explainSqlError('no such column: name', "SELECT 1 FROM systemd_units WHERE name = 'x'", 'linux')).toBe(
      "systemd_units has no column name; osquery's is id",
    );
    expect(explainSqlError('database is locked', 'SELECT 1', 'linux')).toBeUndefined();
  });
});
