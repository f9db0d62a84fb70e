/**
 * On-disk cache of preprocessed images: one packed file per split and preprocessing geometry,
 * keyed by the sha256 of every file's bytes (and slice) plus size and brain-crop setting. It holds
 * the resized 8-bit images (exactly what the decode path produces before normalisation), boxes and
 * masks, so a warm load is one sequential read and a normalisation pass, never a JPEG decode.
 * Keys come from content only (never from modification times): the manifest's sha256 per file, and
 * the data stage re-hashes every file before it calls a manifest up to date (changedEntries), so an
 * edited file gets a new manifest entry and a fresh cache entry. A warm load reads no source file.
 * Layout: 'QMRIC001' | u32 header length | header JSON | n×S×S image bytes | n×S×S mask bytes (if any).
 */
import { existsSync, readFileSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { readInputFile } from './decode.js';
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

/** Entries whose bytes on disk (under root) are missing or differ from their manifest sha256. */
export function changedEntries(root: string, entries: readonly ManifestEntry[]): ManifestEntry[] {
  return entries.filter((e) => {
    try {
      return sha256(readInputFile(join(root, e.file))) !== e.sha256;
    } catch {
      return true;
    }
  });
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
    const now = new Date();
    utimesSync(path, now, now); // least recently used goes first when the cache is pruned
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

/** Cap on the cache folder: QMRI_CACHE_MAX_GB (default 20 GiB). */
export function cacheLimitBytes(): number {
  const gb = Number(process.env.QMRI_CACHE_MAX_GB ?? 20);
  return (Number.isFinite(gb) && gb > 0 ? gb : 20) * 1024 ** 3;
}

/** Deletes the least recently used pack files until the folder holds at most `maxBytes` (keeps `keep`). */
export function pruneCache(dir: string, maxBytes: number, keep?: string): string[] {
  let files: { path: string; size: number; mtime: number }[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.qcache'))
      .map((f) => {
        const st = statSync(join(dir, f));
        return { path: join(dir, f), size: st.size, mtime: st.mtimeMs };
      });
  } catch {
    return [];
  }
  let total = files.reduce((a, f) => a + f.size, 0);
  const removed: string[] = [];
  for (const f of files.sort((a, b) => a.mtime - b.mtime)) {
    if (total <= maxBytes) break;
    if (f.path === keep) continue;
    rmSync(f.path, { force: true });
    total -= f.size;
    removed.push(f.path);
  }
  return removed;
}
