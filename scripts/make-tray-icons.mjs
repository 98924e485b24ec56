// Draws the tray icons into assets/tray/ from the shapes described below (this script is their
// source). Each state is a porch light: a ring, with a mark inside that says the state.
//   ok            filled disc (the light is on)
//   failing       ring + exclamation mark
//   unknown       ring + small centre dot
//   osquery-down  ring + diagonal slash
//   scanning      ring + half-filled disc
// Outputs per state: <state>Template.png and <state>Template@2x.png (macOS: black + alpha, tinted
// by the menu bar), <state>.png and <state>@2x.png (coloured, Linux), <state>.ico (16+32, Windows).
// Run: node scripts/make-tray-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'assets', 'tray');
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

function render(state, size, rgb) {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          if (shape(state, (px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size)) hits++;
        }
      }
      const offset = (py * size + px) * 4;
      pixels[offset] = rgb[0];
      pixels[offset + 1] = rgb[1];
      pixels[offset + 2] = rgb[2];
      pixels[offset + 3] = Math.round((hits / (samples * samples)) * 255);
    }
  }
  return png(size, pixels);
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

/** An ICO holding PNG images (supported since Windows Vista). */
function ico(images) {
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

mkdirSync(OUT, { recursive: true });
for (const [state, rgb] of Object.entries(COLORS)) {
  writeFileSync(path.join(OUT, `${state}Template.png`), render(state, 16, [0, 0, 0]));
  writeFileSync(path.join(OUT, `${state}Template@2x.png`), render(state, 32, [0, 0, 0]));
  writeFileSync(path.join(OUT, `${state}.png`), render(state, 22, rgb));
  writeFileSync(path.join(OUT, `${state}@2x.png`), render(state, 44, rgb));
  writeFileSync(path.join(OUT, `${state}.ico`), ico([16, 32].map((size) => ({ size, data: render(state, size, rgb) }))));
}
writeFileSync(path.join(OUT, 'app.png'), render('ok', 256, COLORS.ok));
console.log(`tray icons written to ${OUT}`);
