/**
 * Seed files for the fuzzer: phantom slices encoded by sharp (PNG 8/16-bit, RGBA, JPEG baseline and
 * progressive), DICOM and NIfTI from the test writers, and, when DCMTK / GDCM are installed, the
 * same DICOM transcoded by them into every compressed transfer syntax qmri reads (cached in
 * test-artifacts/fuzz-seeds), plus the real-world corpus when scripts/build-corpus.sh has built it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { makePhantom } from '../../src/data/phantoms.js';
import { makeDicom, makeNifti } from '../../test/server/formats.js';
import type { Seed } from './mutate.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CACHE = join(ROOT, 'test-artifacts/fuzz-seeds');
const CORPUS = join(ROOT, 'test-artifacts/corpus');

function phantomGray(size: number): Buffer {
  const p = makePhantom(size, 0, 3);
  return Buffer.from(p.image.map((v) => Math.max(0, Math.min(255, Math.round(v * 255)))));
}

export async function imageSeeds(): Promise<{ png: Seed[]; jpeg: Seed[] }> {
  const g = phantomGray(32);
  const raw = { raw: { width: 32, height: 32, channels: 1 as const } };
  const rgba = Buffer.alloc(32 * 32 * 4);
  for (let i = 0; i < 32 * 32; i++) {
    rgba.fill(g[i], 4 * i, 4 * i + 3);
    rgba[4 * i + 3] = i % 255;
  }
  const png: Seed[] = [
    { name: 'gray.png', bytes: await sharp(g, raw).png().toBuffer() },
    { name: 'gray16.png', bytes: await sharp(g, raw).toColourspace('grey16').png().toBuffer() },
    {
      name: 'rgba.png',
      bytes: await sharp(rgba, { raw: { width: 32, height: 32, channels: 4 } })
        .png()
        .toBuffer(),
    },
    { name: 'palette.png', bytes: await sharp(g, raw).png({ palette: true, colours: 16 }).toBuffer() },
  ];
  const jpeg: Seed[] = [
    { name: 'gray.jpg', bytes: await sharp(g, raw).jpeg({ quality: 80 }).toBuffer() },
    { name: 'progressive.jpg', bytes: await sharp(g, raw).jpeg({ progressive: true }).toBuffer() },
    {
      name: 'rgb.jpg',
      bytes: await sharp(rgba, { raw: { width: 32, height: 32, channels: 4 } })
        .jpeg()
        .toBuffer(),
    },
  ];
  return { png, jpeg };
}

function dicomSlice(n: number): Uint16Array {
  const g = phantomGray(n);
  return Uint16Array.from(g, (v) => v * 16);
}

/** DCMTK / GDCM transcodes of one small slice: [name, tool, args] (IN and OUT are placeholders). */
const TRANSCODES: [string, string, string[]][] = [
  ['implicit.dcm', 'dcmconv', ['+ti', 'IN', 'OUT']],
  ['big-endian.dcm', 'dcmconv', ['+tb', 'IN', 'OUT']],
  ['deflated.dcm', 'dcmconv', ['+td', 'IN', 'OUT']],
  ['jpeg-lossless-sv1.dcm', 'dcmcjpeg', ['IN', 'OUT']],
  ['jpeg-lossless-p14.dcm', 'dcmcjpeg', ['+el', 'IN', 'OUT']],
  ['jpeg-ls.dcm', 'dcmcjpls', ['IN', 'OUT']],
  ['jpeg-ls-near.dcm', 'dcmcjpls', ['+en', 'IN', 'OUT']],
  ['rle.dcm', 'dcmcrle', ['IN', 'OUT']],
  ['j2k.dcm', 'gdcmconv', ['--j2k', 'IN', 'OUT']],
  ['j2k-lossy.dcm', 'gdcmconv', ['--j2k', '--lossy', '-q', '40', 'IN', 'OUT']],
];

function transcoded(src: Buffer, jpeg8: Buffer): Seed[] {
  mkdirSync(CACHE, { recursive: true });
  const inPath = join(CACHE, 'source.dcm');
  writeFileSync(inPath, src);
  try {
    // the attributes DCMTK's encoders need that the minimal test writer leaves out
    const tags = ['(0028,0004)=MONOCHROME2', '(0028,0102)=15', '(0008,0016)=1.2.840.10008.5.1.4.1.1.4'];
    execFileSync(
      'dcmodify',
      ['-nb', ...tags.flatMap((t) => ['-i', t]), '-i', '(0008,0018)=1.2.3.4', inPath],
      {
        stdio: 'ignore',
      },
    );
  } catch {
    /* dcmodify missing: the transcoders below fail and are skipped */
  }
  const out: Seed[] = [];
  for (const [name, tool, args] of TRANSCODES) {
    const path = join(CACHE, name);
    if (!existsSync(path))
      try {
        execFileSync(
          tool,
          args.map((a) => (a === 'IN' ? inPath : a === 'OUT' ? path : a)),
          { stdio: 'ignore' },
        );
      } catch {
        continue; // tool missing: the other seeds still cover the format
      }
    out.push({ name, bytes: readFileSync(path) });
  }
  const baseline = join(CACHE, 'jpeg-baseline.dcm');
  if (!existsSync(baseline))
    try {
      writeFileSync(join(CACHE, 'slice.jpg'), jpeg8);
      execFileSync('img2dcm', [join(CACHE, 'slice.jpg'), baseline], { stdio: 'ignore' });
    } catch {
      /* img2dcm missing */
    }
  if (existsSync(baseline)) out.push({ name: 'jpeg-baseline.dcm', bytes: readFileSync(baseline) });
  return out;
}

/** Files of the real-world corpus (scripts/build-corpus.sh) whose names end with one of `exts`. */
function corpusFiles(exts: string[], max = 40): Seed[] {
  if (!existsSync(CORPUS)) return [];
  const out: Seed[] = [];
  const walk = (dir: string) => {
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (exts.some((e) => n.endsWith(e)) && statSync(p).size < 2_000_000 && out.length < max)
        out.push({ name: n, bytes: readFileSync(p) });
    }
  };
  walk(CORPUS);
  return out;
}

export async function dicomSeeds(): Promise<Seed[]> {
  const src = makeDicom(dicomSlice(16), 16, 16);
  const { jpeg } = await imageSeeds();
  const multi = new Uint16Array(16 * 16 * 3);
  for (let f = 0; f < 3; f++) multi.set(dicomSlice(16), f * 256);
  return [
    { name: 'explicit.dcm', bytes: src },
    { name: 'multiframe.dcm', bytes: makeDicom(multi, 16, 16, { frames: 3 }) },
    ...transcoded(src, jpeg[0].bytes as Buffer),
    ...corpusFiles(['.dcm']),
  ];
}

export function niftiSeeds(gz: boolean): Seed[] {
  const vox = Int16Array.from({ length: 8 * 8 * 4 }, (_, i) => (i * 37) % 1000);
  return [
    { name: gz ? 'vol.nii.gz' : 'vol.nii', bytes: makeNifti(vox, 8, 8, 4, gz) },
    ...corpusFiles([gz ? '.nii.gz' : '.nii'], 20),
  ];
}
