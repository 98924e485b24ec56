/** SQL pieces more than one check uses. */

/**
 * The uid osqueryd runs as, which is the owner's: osquery lists its own process like any other
 * (processes on every OS; on Windows `uid` is the token's RID, osquery/tables/system/windows/processes.cpp:489).
 */
export const OWN_UID = '(SELECT uid FROM processes WHERE pid = (SELECT pid FROM osquery_info))';

/**
 * A file osqueryd could actually read: `hash` emits a row with an empty sha256 when the file exists
 * but cannot be read (osquery/tables/system/hash.cpp:194-230), and no row when it does not exist.
 */
export function readable(path: string): string {
  return `SELECT 1 FROM hash WHERE path = '${path}' AND sha256 != ''`;
}

/** A file that is either readable or not there at all (so its absence is an answer, not a gap). */
export function readableOrAbsent(path: string): string {
  return `(EXISTS (${readable(path)}) OR NOT EXISTS (SELECT 1 FROM file WHERE path = '${path}'))`;
}
