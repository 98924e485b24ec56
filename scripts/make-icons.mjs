// Draws Porchlight's icons from the shapes described below (this script is their source): the tray
// icons in assets/tray/ and the app icon in assets/app/. Each state is a porch light: a ring, with a
// mark inside that says the state; the app icon is the light that is on.
//   ok            filled disc (the light is on)
//   failing       ring + exclamation mark
//   unknown       ring + small centre dot
//   osquery-down  ring + diagonal slash
//   scanning      ring + half-filled disc
// Outputs per state: <state>Template.png and <state>Template@2x.png (macOS: black + alpha, tinted
// by the menu bar), <state>.png and <state>@2x.png (coloured, Linux), <state>.ico (16+32, Windows).
// App icon (electron-builder.yml): icon.png (1024×1024), icon.icns (macOS: 16 to 1024, PNG
// entries), icon.ico (Windows: 16 to 256) and icons/<N>x<N>.png (Linux: the freedesktop sizes).
// electron-builder refuses a mac icon under 512×512 (ERR_ICON_TOO_SMALL) and a Windows one under
// 256×256; giving it .icns and .ico spares the build its icon converter, a download.
// Run: node scripts/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const COLORS = {
  ok: [22, 163, 74],
  failing: [220, 38, 38],
  unknown: [217, 119, 6],
  'osquery-down': [100, 116, 139],
  scanning: [37, 99, 235],
};

/** Coverage (0..1) of the state's shape at a point in the unit square. */
function shape(state, x, y) {
  const dx = x - 0.5;
  const dy = y - 0.5;
  const r = Math.hypot(dx, dy);
  const ring = r <= 0.46 && r >= 0.34;
  switch (state) {
    case 'ok':
      return r <= 0.46;
    case 'failing':
      return ring || (Math.abs(dx) <= 0.06 && dy >= -0.22 && dy <= 0.06) || Math.hypot(dx, dy - 0.17) <= 0.065;
    case 'unknown':
      return ring || r <= 0.1;
    case 'osquery-down':
      return ring || (Math.abs(dx + dy) <= 0.085 && r <= 0.4);
    case 'scanning':
      return ring || (r <= 0.34 && dx <= 0);
    default:
      throw new Error(`unknown state ${state}`);
  }
}

/** RGBA pixels of a state's shape at `size`×`size`, antialiased by 4×4 supersampling. */
function pixels(state, size, rgb) {
  const samples = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          if (shape(state, (px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size)) hits++;
        }
      }
      const offset = (py * size + px) * 4;
      rgba[offset] = rgb[0];
      rgba[offset + 1] = rgb[1];
      rgba[offset + 2] = rgb[2];
      rgba[offset + 3] = Math.round((hits / (samples * samples)) * 255);
    }
  }
  return rgba;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = [];
  for (let y = 0; y < size; y++) rows.push(Buffer.from([0]), rgba.subarray(y * size * 4, (y + 1) * size * 4));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A 32-bit BMP image as an ICO stores it: BITMAPINFOHEADER (height doubled), BGRA rows bottom-up, AND mask. */
function dib(size, rgba) {
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8);
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  const maskRow = Math.ceil(size / 32) * 4;
  const bgra = Buffer.alloc(size * size * 4);
  const mask = Buffer.alloc(maskRow * size);
  for (let y = 0; y < size; y++) {
    const row = size - 1 - y;
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 4;
      const to = (row * size + x) * 4;
      bgra[to] = rgba[from + 2];
      bgra[to + 1] = rgba[from + 1];
      bgra[to + 2] = rgba[from];
      bgra[to + 3] = rgba[from + 3];
      if (rgba[from + 3] === 0) mask[row * maskRow + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  header.writeUInt32LE(bgra.length + mask.length, 20);
  return Buffer.concat([header, bgra, mask]);
}

/**
 * An ICO with one image per size: BMP below 256×256 and PNG at 256×256, as Windows' own icons are
 * stored; every consumer (Explorer, rcedit, NSIS, Electron) reads that layout.
 */
function ico(sizes, draw) {
  const images = sizes.map((size) => ({ size, data: size >= 256 ? png(size, draw(size)) : dib(size, draw(size)) }));
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + images.length * 16;
  const entries = images.map(({ size, data }) => {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size;
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += data.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((image) => image.data)]);
}

/** The PNG-backed ICNS types (macOS 10.7+) and the pixel size each holds. */
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['ic12', 64],
  ['ic07', 128],
  ['ic13', 256],
  ['ic08', 256],
  ['ic14', 512],
  ['ic09', 512],
  ['ic10', 1024],
];

/** An ICNS file: 'icns', total length, then one (type, length, PNG) element per entry. */
function icns(draw) {
  const elements = ICNS_TYPES.map(([type, size]) => {
    const data = png(size, draw(size));
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + elements.reduce((total, element) => total + element.length, 0), 4);
  return Buffer.concat([head, ...elements]);
}

const TRAY = path.join(ROOT, 'assets', 'tray');
mkdirSync(TRAY, { recursive: true });
for (const [state, rgb] of Object.entries(COLORS)) {
  const draw = (size) => pixels(state, size, rgb);
  writeFileSync(path.join(TRAY, `${state}Template.png`), png(16, pixels(state, 16, [0, 0, 0])));
  writeFileSync(path.join(TRAY, `${state}Template@2x.png`), png(32, pixels(state, 32, [0, 0, 0])));
  writeFileSync(path.join(TRAY, `${state}.png`), png(22, draw(22)));
  writeFileSync(path.join(TRAY, `${state}@2x.png`), png(44, draw(44)));
  writeFileSync(path.join(TRAY, `${state}.ico`), ico([16, 32], draw));
}

const APP = path.join(ROOT, 'assets', 'app');
const drawn = new Map();
const drawApp = (size) => {
  if (!drawn.has(size)) drawn.set(size, pixels('ok', size, COLORS.ok));
  return drawn.get(size);
};
mkdirSync(path.join(APP, 'icons'), { recursive: true });
writeFileSync(path.join(APP, 'icon.png'), png(1024, drawApp(1024)));
writeFileSync(path.join(APP, 'icon.icns'), icns(drawApp));
writeFileSync(path.join(APP, 'icon.ico'), ico([16, 24, 32, 48, 64, 128, 256], drawApp));
for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
  writeFileSync(path.join(APP, 'icons', `${size}x${size}.png`), png(size, drawApp(size)));
}
console.log(`icons written to ${TRAY} and ${APP}`);
