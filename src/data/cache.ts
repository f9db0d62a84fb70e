/**
 * On-disk cache of preprocessed images: one packed file per split and preprocessing geometry,
 * keyed by the sha256 of every file's bytes (and slice) plus size and brain-crop setting. It holds
 * the resized 8-bit images (exactly what the decode path produces before normalisation), boxes and
 * masks, so a warm load is one sequential read and a normalisation pass, never a JPEG decode.
 * Layout: 'QMRIC001' | u32 header length | header JSON | n×S×S image bytes | n×S×S mask bytes (if any).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { sha256 } from './hash.js';
import type { Box, ManifestEntry, PreprocessConfig } from './types.js';

const MAGIC = 'QMRIC001';

export interface CachedSet {
  size: number;
  /** n×S×S */
  images: Uint8Array;
  masks: Uint8Array | null;
  boxes: (Box | null)[];
  files: string[];
}

export function cacheKey(entries: readonly ManifestEntry[], cfg: PreprocessConfig): string {
  return sha256(
    JSON.stringify({
      v: 1,
      size: cfg.size,
      brainCrop: cfg.brainCrop,
      items: entries.map((e) => [e.sha256, e.slice ?? null, e.box]),
    }),
  );
}

export function cachePath(dir: string, split: string, cfg: PreprocessConfig, key: string): string {
  return join(dir, `${split}-${cfg.size}px${cfg.brainCrop ? '-crop' : ''}-${key.slice(0, 24)}.qcache`);
}

/** The cached set, or null when absent, stale or damaged (then it is rebuilt). */
export function readCache(path: string, key: string): CachedSet | null {
  if (!existsSync(path)) return null;
  try {
    const buf = readFileSync(path);
    if (buf.toString('latin1', 0, 8) !== MAGIC) return null;
    const hl = buf.readUInt32LE(8);
    const h = JSON.parse(buf.toString('utf8', 12, 12 + hl)) as {
      key: string;
      n: number;
      size: number;
      boxes: (Box | null)[];
      files: string[];
      masks: boolean;
    };
    const per = h.size * h.size;
    const start = 12 + hl;
    if (h.key !== key || buf.length !== start + h.n * per * (h.masks ? 2 : 1)) return null;
    const images = new Uint8Array(buf.buffer, buf.byteOffset + start, h.n * per);
    const masks = h.masks ? new Uint8Array(buf.buffer, buf.byteOffset + start + h.n * per, h.n * per) : null;
    return { size: h.size, images, masks, boxes: h.boxes, files: h.files };
  } catch {
    return null;
  }
}

export function writeCache(path: string, key: string, set: CachedSet): void {
  const header = Buffer.from(
    JSON.stringify({
      key,
      n: set.files.length,
      size: set.size,
      boxes: set.boxes,
      files: set.files,
      masks: set.masks !== null,
    }),
  );
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const parts: Uint8Array[] = [Buffer.from(MAGIC, 'latin1'), len, header, set.images];
  if (set.masks) parts.push(set.masks);
  writeFileAtomic(path, parts);
}
