/**
 * writePhantomDataset: phantoms on disk in the folder-per-class layout every loader reads:
 * DIR/<class>/NNNNN.png (8-bit grayscale), NNNNN.txt (YOLO `class xc yc w h`, empty for no tumor)
 * and NNNNN.mask.png (tumor mask, tumor classes only). Deterministic per seed.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../util/atomic.js';
import { makePhantom, PHANTOM_CLASSES } from './phantoms.js';
import { mapLimit } from './pool.js';

export async function writePhantomDataset(
  out: string,
  o: { n: number; size: number; seed: number; onProgress?: (done: number, total: number) => void },
): Promise<void> {
  if (!Number.isInteger(o.n) || o.n < 1 || o.n > 1_000_000)
    throw new Error(`n: expected an integer in [1, 1000000], got ${o.n}`);
  if (!Number.isInteger(o.size) || o.size < 16 || o.size > 1024)
    throw new Error(`size: expected an integer in [16, 1024], got ${o.size}`);
  if (!Number.isInteger(o.seed) || o.seed < 0)
    throw new Error(`seed: expected a non-negative integer, got ${o.seed}`);
  for (const c of PHANTOM_CLASSES) mkdirSync(join(out, c), { recursive: true });
  const S = o.size;
  const png = (px: Uint8Array) =>
    sharp(px, { raw: { width: S, height: S, channels: 1 } })
      .toColourspace('b-w')
      .png({ compressionLevel: 6 })
      .toBuffer();
  await mapLimit(
    Array.from({ length: o.n }, (_, i) => i),
    2,
    async (i) => {
      const label = i % 4;
      const p = makePhantom(S, label, (o.seed * 100003 + i * 7919) >>> 0);
      const stem = join(out, PHANTOM_CLASSES[label], String(i).padStart(5, '0'));
      writeFileAtomic(`${stem}.png`, await png(Uint8Array.from(p.image, (v) => Math.round(v * 255))));
      let txt = '';
      if (p.box) {
        const [x0, y0, x1, y1] = p.box;
        txt = `${label} ${((x0 + x1) / 2).toFixed(6)} ${((y0 + y1) / 2).toFixed(6)} ${(x1 - x0).toFixed(6)} ${(y1 - y0).toFixed(6)}\n`;
        writeFileAtomic(`${stem}.mask.png`, await png(p.mask.map((v) => v * 255)));
      }
      writeFileAtomic(`${stem}.txt`, txt);
    },
    o.onProgress,
  );
}
