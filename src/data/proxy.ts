/**
 * A cross-source proxy test set (issue #19): the held-out test split re-prepared the way another
 * site might have prepared it: downscaled (its own resolution), an intensity change (gamma,
 * contrast, brightness) and JPEG re-compression, with seeded per-image settings. The images are
 * written under RUN/data/proxy/ with a manifest of their own (same labels, groups and boxes, split
 * 'test'), which training evaluates beside the test split when it is present.
 *
 * Why not leave-one-source-out: in the shared set each source is a class (figshare = the three
 * tumor classes, Br35H = no tumor), so holding a source out holds a class out; a data set whose
 * sources cross the classes can use a source-grouped split instead.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { DEFAULT_PROXY_SEED } from '../config/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import { Rng } from '../util/rng.js';
import { decodeBuffer, readInputFile } from './decode.js';
import { sha256 } from './hash.js';
import { entriesOf, readManifest, writeManifest } from './manifest.js';
import { mapLimit } from './pool.js';
import type { Manifest, ManifestEntry } from './types.js';

export interface ProxySettings {
  seed: number;
  /** the re-prepared image's longer side as a fraction of the source's, drawn per image in [lo, hi] */
  scale: [number, number];
  /** JPEG quality, drawn per image in [lo, hi] */
  quality: [number, number];
  /** gamma exponent on [0, 1] intensities, drawn per image in [lo, hi] */
  gamma: [number, number];
  /** contrast factor about mid-grey, drawn per image in [lo, hi] */
  contrast: [number, number];
  /** brightness offset (fraction of full scale), drawn per image in [lo, hi] */
  brightness: [number, number];
}

export const DEFAULT_PROXY: ProxySettings = {
  seed: DEFAULT_PROXY_SEED,
  scale: [0.45, 0.75],
  quality: [35, 70],
  gamma: [0.7, 1.4],
  contrast: [0.75, 1.25],
  brightness: [-0.08, 0.08],
};

/** One image's settings, drawn from the seed and the file's content (independent of order). */
export function proxyDraw(
  s: ProxySettings,
  fileSha: string,
): Record<keyof Omit<ProxySettings, 'seed'>, number> {
  const rng = new Rng((s.seed ^ parseInt(fileSha.slice(0, 7), 16)) >>> 0);
  const u = ([lo, hi]: [number, number]) => rng.uniform(lo, hi);
  return {
    scale: u(s.scale),
    quality: Math.round(u(s.quality)),
    gamma: u(s.gamma),
    contrast: u(s.contrast),
    brightness: u(s.brightness),
  };
}

/** The re-prepared JPEG of one source image (any format the decoders read). */
export async function reprepare(
  bytes: Uint8Array,
  name: string,
  d: ReturnType<typeof proxyDraw>,
  slice?: number,
): Promise<Buffer> {
  const r = await decodeBuffer(bytes, name, { slice });
  const px = new Uint8Array(r.width * r.height);
  for (let i = 0; i < px.length; i++) {
    const v = Math.pow(Math.min(1, Math.max(0, r.pixels[i])), d.gamma);
    px[i] = Math.round(255 * Math.min(1, Math.max(0, (v - 0.5) * d.contrast + 0.5 + d.brightness)));
  }
  const w = Math.max(16, Math.round(r.width * d.scale));
  const h = Math.max(16, Math.round(r.height * d.scale));
  return sharp(px, { raw: { width: r.width, height: r.height, channels: 1 } })
    .resize(w, h, { fit: 'fill', kernel: 'cubic' })
    .jpeg({ quality: d.quality, chromaSubsampling: '4:2:0' })
    .toBuffer();
}

/** RUN/data/proxy/: the re-prepared test images and their manifest path. */
export const proxyDir = (run: string): string => join(run, 'data', 'proxy');
export const proxyManifestPath = (run: string): string => join(proxyDir(run), 'manifest.json');

/** Writes the proxy of `m`'s test split under RUN/data/proxy/ and returns its manifest. */
export async function writeProxySet(
  run: string,
  m: Manifest,
  settings: ProxySettings = DEFAULT_PROXY,
  o: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<Manifest> {
  const dir = proxyDir(run);
  const imgDir = join(dir, 'images');
  mkdirSync(imgDir, { recursive: true });
  const test = entriesOf(m, 'test');
  const entries = await mapLimit(
    test,
    o.concurrency ?? 2,
    async (e, i): Promise<ManifestEntry> => {
      const src = join(m.root, e.file);
      const jpeg = await reprepare(readInputFile(src), src, proxyDraw(settings, e.sha256), e.slice);
      const file = join('images', `${String(i).padStart(6, '0')}.jpg`);
      writeFileAtomic(join(dir, file), jpeg);
      return {
        file,
        label: e.label,
        className: e.className,
        group: e.group,
        split: 'test',
        sha256: sha256(jpeg),
        box: e.box,
      };
    },
    o.onProgress,
  );
  // root relative to the manifest, so the run folder can move
  const proxy: Manifest = { ...m, root: '.', entries, split: { ...m.split } };
  writeManifest(proxyManifestPath(run), proxy);
  return readManifest(proxyManifestPath(run));
}
