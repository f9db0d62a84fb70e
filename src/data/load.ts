/**
 * loadSplit: the preprocessed tensors of one split (N×3×S×S), decoded with bounded concurrency the
 * first time (every file's sha256 checked against the manifest) and from the packed cache after.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  cacheKey,
  cacheLimitBytes,
  cachePath,
  pruneCache,
  readCache,
  writeCache,
  type CachedSet,
} from './cache.js';
import { readInputFile } from './decode.js';
import { DataError } from './errors.js';
import { sha256 } from './hash.js';
import { learnLandmarks } from './intensity.js';
import { entriesOf } from './manifest.js';
import { mapLimit } from './pool.js';
import { normalizeInto, resizeSource, validatePreprocess } from './preprocess.js';
import type { ImageSet, Manifest, PreprocessConfig, SplitName } from './types.js';

export const defaultCacheDir = (): string => process.env.QMRI_CACHE_DIR ?? join(homedir(), '.cache', 'qmri');

export interface LoadOptions {
  cacheDir?: string;
  onProgress?: (done: number, total: number) => void;
  /** set false to neither read nor write the cache */
  cache?: boolean;
  concurrency?: number;
  maxPixels?: number;
}

async function decodeEntries(
  m: Manifest,
  split: SplitName,
  cfg: PreprocessConfig,
  o: LoadOptions,
): Promise<CachedSet> {
  const entries = entriesOf(m, split);
  const per = cfg.size * cfg.size;
  const images = new Uint8Array(entries.length * per);
  let masks: Uint8Array | null = null;
  const boxes = await mapLimit(
    entries,
    o.concurrency ?? 2,
    async (e, i) => {
      const path = join(m.root, e.file);
      const bytes = readInputFile(path);
      if (sha256(bytes) !== e.sha256)
        throw new DataError(
          path,
          'changed',
          'file changed since the manifest was written (sha256 differs): prepare the data again',
        );
      const z = await resizeSource(bytes, path, cfg, {
        path,
        slice: e.slice,
        box: e.box,
        maxPixels: o.maxPixels,
      });
      images.set(z.u8, i * per);
      if (z.mask) {
        masks ??= new Uint8Array(entries.length * per);
        masks.set(z.mask, i * per);
      }
      return z.box;
    },
    o.onProgress,
  );
  return { size: cfg.size, images, masks, boxes, files: entries.map((e) => e.file) };
}

export function toImageSet(set: CachedSet, y: Int32Array, cfg: PreprocessConfig): ImageSet {
  const per = set.size * set.size;
  const n = set.files.length;
  const x = new Float32Array(n * 3 * per);
  for (let i = 0; i < n; i++) normalizeInto(x, i * 3 * per, set.images.subarray(i * per, (i + 1) * per), cfg);
  return { x, y, boxes: set.boxes, files: set.files, size: set.size };
}

export async function loadSplit(
  manifest: Manifest,
  split: SplitName,
  cfg: PreprocessConfig,
  opts: LoadOptions = {},
): Promise<ImageSet> {
  validatePreprocess(cfg);
  const y = Int32Array.from(entriesOf(manifest, split), (e) => e.label);
  return toImageSet(await loadResized(manifest, split, cfg, opts), y, cfg);
}

/**
 * The resized 8-bit images of a split (before intensity standardisation and normalisation, so one
 * cache entry serves every `intensity` setting: the key is the content and the geometry).
 */
async function loadResized(
  manifest: Manifest,
  split: SplitName,
  cfg: PreprocessConfig,
  opts: LoadOptions,
): Promise<CachedSet> {
  if (split !== 'train' && split !== 'val' && split !== 'test')
    throw new Error(`split: expected train, val or test, got ${JSON.stringify(split)}`);
  const entries = entriesOf(manifest, split);
  const useCache = opts.cache !== false;
  const dir = opts.cacheDir ?? defaultCacheDir();
  const key = cacheKey(entries, cfg);
  const path = cachePath(dir, split, cfg, key);
  let set = useCache ? readCache(path, key) : null;
  if (set) opts.onProgress?.(entries.length, entries.length);
  else {
    set = await decodeEntries(manifest, split, cfg, opts);
    if (useCache) {
      writeCache(path, key, set);
      pruneCache(dir, cacheLimitBytes(), path);
    }
  }
  return set;
}

/**
 * The preprocessing with histogram standardisation's landmarks learned on the manifest's train
 * split (only): unchanged unless intensity is 'histogram' and no landmarks are given.
 */
export async function withTrainLandmarks(
  manifest: Manifest,
  cfg: PreprocessConfig,
  opts: LoadOptions = {},
): Promise<PreprocessConfig> {
  if (cfg.intensity !== 'histogram' || cfg.landmarks) return cfg;
  validatePreprocess(cfg);
  const set = await loadResized(manifest, 'train', cfg, opts);
  return { ...cfg, landmarks: learnLandmarks(set.images, set.size * set.size) };
}

/** Masks of a split in the preprocessed geometry (n×S×S, 0/1) when the sources have them, from the cache. */
export function loadSplitMasks(
  manifest: Manifest,
  split: SplitName,
  cfg: PreprocessConfig,
  opts: { cacheDir?: string } = {},
): Uint8Array | null {
  const entries = entriesOf(manifest, split);
  const key = cacheKey(entries, cfg);
  return readCache(cachePath(opts.cacheDir ?? defaultCacheDir(), split, cfg, key), key)?.masks ?? null;
}
