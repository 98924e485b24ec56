/** Where an unusable data file is kept for the owner to inspect: `<file>.corrupt-<time>`, safe in any file name. */
export function corruptAsidePath(file: string, time: number): string {
  return `${file}.corrupt-${new Date(time).toISOString().replace(/[:.]/g, '-')}`;
}
