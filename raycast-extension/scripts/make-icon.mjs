// Draws the extension icon (assets/icon.png, 512 × 512) from shapes, so it can be
// regenerated exactly: `npm run icon`. No dependencies: shapes are signed-distance
// functions sampled 4 × 4 per pixel, and the PNG is encoded with node:zlib.
//
// The picture: a padlock inside an orange countdown ring on AWS's dark "squid ink".

import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const SIZE = 512;
const SAMPLES = 4;

const INK_TOP = [43, 58, 78];
const INK_BOTTOM = [17, 26, 38];
const ORANGE = [255, 153, 0];
const WHITE = [245, 247, 250];
const KEYHOLE = [27, 37, 51];

/** Distance from (x, y) to a rounded rectangle centred at (cx, cy); negative inside. */
function roundedRect(x, y, cx, cy, halfWidth, halfHeight, radius) {
  const qx = Math.abs(x - cx) - halfWidth + radius;
  const qy = Math.abs(y - cy) - halfHeight + radius;
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - radius;
}

/** Distance from (x, y) to the segment (ax, ay)–(bx, by). */
function segment(x, y, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

/**
 * Distance from (x, y) to a circular arc of radius r around (cx, cy) that starts at the
 * top and runs clockwise through `sweep` degrees (round ends).
 */
function arc(x, y, cx, cy, r, sweep) {
  const angle = (Math.atan2(x - cx, -(y - cy)) * 180) / Math.PI; // 0° = up, clockwise
  const clockwise = (angle + 360) % 360;
  if (clockwise <= sweep) return Math.abs(Math.hypot(x - cx, y - cy) - r);
  const end = (sweep * Math.PI) / 180;
  const ex = cx + r * Math.sin(end);
  const ey = cy - r * Math.cos(end);
  return Math.min(Math.hypot(x - cx, y - cy + r), Math.hypot(x - ex, y - ey));
}

/** The colour at one sample point, or null where the icon is transparent. */
function colourAt(x, y) {
  if (roundedRect(x, y, 256, 256, 232, 232, 104) > 0) return null;

  const t = (y - 24) / 464;
  let colour = INK_TOP.map((top, i) => top + (INK_BOTTOM[i] - top) * t);

  // Countdown ring: five sixths of a circle, the gap at the top left.
  if (arc(x, y, 256, 262, 156, 300) <= 15) colour = ORANGE;

  // Padlock: shackle (an upside-down U), then the body over its feet.
  const shackle = Math.min(
    y <= 226 ? Math.abs(Math.hypot(x - 256, y - 226) - 48) : Infinity,
    segment(x, y, 208, 226, 208, 262),
    segment(x, y, 304, 226, 304, 262),
  );
  if (shackle <= 12) colour = WHITE;
  if (roundedRect(x, y, 256, 306, 80, 62, 22) <= 0) colour = WHITE;

  // Keyhole.
  if (Math.hypot(x - 256, y - 292) <= 17 || roundedRect(x, y, 256, 318, 7, 22, 4) <= 0) colour = KEYHOLE;

  return colour;
}

function render() {
  const pixels = Buffer.alloc(SIZE * SIZE * 4);
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const colour = colourAt(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
          if (colour === null) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          covered += 1;
        }
      }
      const offset = (py * SIZE + px) * 4;
      if (covered > 0) {
        pixels[offset] = Math.round(r / covered);
        pixels[offset + 1] = Math.round(g / covered);
        pixels[offset + 2] = Math.round(b / covered);
        pixels[offset + 3] = Math.round((255 * covered) / (SAMPLES * SAMPLES));
      }
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(pixels) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) {
    rows[y * (SIZE * 4 + 1)] = 0; // filter: none
    pixels.copy(rows, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const output = process.argv[2];
if (!output) {
  console.error("usage: node scripts/make-icon.mjs OUTPUT.png");
  process.exit(2);
}
writeFileSync(output, encodePng(render()));
