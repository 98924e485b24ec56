/**
 * Saves text as a file through the browser's own download: a Blob URL on a link with `download`.
 * Downloads are not fetches, so the window's CSP (which has no blob: source) does not govern
 * them; inside Electron the same download shows its save dialog, with no IPC of Porchlight's.
 */
export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}
