/**
 * A notification's body as the OS will show it. Linux notification servers that advertise
 * "body-markup" (GNOME Shell, KDE Plasma, dunst, mako) read the body as markup (Desktop
 * Notifications Specification, "Markup": b, i, u, a, img), and Electron hands the body to
 * libnotify unchanged (electron shell/browser/notifications/linux/libnotify_notification.cc).
 * Bodies carry names from osquery that whoever made an extension or a program chose, so there
 * they are escaped to read as text. macOS and Windows show the body as text already.
 */
export function notificationBody(text: string, platform: NodeJS.Platform): string {
  if (platform !== 'linux') return text;
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
