/** The manifest (RUN/data/manifest.json): every sample with label, group, split and sha256, so a run reproduces exactly. */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { writeJsonAtomic } from '../util/atomic.js';
import type { Box, Manifest, ManifestEntry } from './types.js';

function fail(path: string, field: string, problem: string): never {
  throw new Error(`${path}: ${field}: ${problem}`);
}

function isBox(b: unknown): b is Box {
  return (
    Array.isArray(b) &&
    b.length === 4 &&
    b.every((v) => typeof v === 'number' && v >= 0 && v <= 1) &&
    b[2] > b[0] &&
    b[3] > b[1]
  );
}

export function validateManifest(m: unknown, path: string): Manifest {
  if (!m || typeof m !== 'object') fail(path, 'manifest', 'expected a JSON object');
  const o = m as Record<string, unknown>;
  if (o.version !== 1) fail(path, 'version', `expected 1, got ${JSON.stringify(o.version)}`);
  if (typeof o.root !== 'string' || !o.root) fail(path, 'root', 'expected the dataset folder as a string');
  if (!Array.isArray(o.classes) || o.classes.length < 2 || !o.classes.every((c) => typeof c === 'string'))
    fail(path, 'classes', 'expected at least two class names');
  if (!o.split || typeof o.split !== 'object') fail(path, 'split', 'expected the split settings object');
  if (!Array.isArray(o.entries)) fail(path, 'entries', 'expected an array');
  const nc = (o.classes as string[]).length;
  (o.entries as unknown[]).forEach((e, i) => {
    const f = `entries[${i}]`;
    if (!e || typeof e !== 'object') fail(path, f, 'expected an object');
    const x = e as Record<string, unknown>;
    if (typeof x.file !== 'string' || !x.file) fail(path, `${f}.file`, 'expected a relative path');
    if (!Number.isInteger(x.label) || (x.label as number) < 0 || (x.label as number) >= nc)
      fail(path, `${f}.label`, `expected 0..${nc - 1}`);
    if (x.className !== (o.classes as string[])[x.label as number])
      fail(path, `${f}.className`, `does not match classes[${x.label}]`);
    if (typeof x.group !== 'string') fail(path, `${f}.group`, 'expected a string');
    if (x.split !== 'train' && x.split !== 'val' && x.split !== 'test')
      fail(path, `${f}.split`, `expected train, val or test`);
    if (typeof x.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(x.sha256))
      fail(path, `${f}.sha256`, 'expected 64 hex digits');
    if (x.box !== null && !isBox(x.box))
      fail(path, `${f}.box`, 'expected null or [x0, y0, x1, y1] in [0, 1]');
    if (x.slice !== undefined && !Number.isInteger(x.slice)) fail(path, `${f}.slice`, 'expected an integer');
  });
  return o as unknown as Manifest;
}

export function readManifest(path: string): Manifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `${path}: cannot read the manifest (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const m = validateManifest(json, path);
  if (!isAbsolute(m.root)) m.root = resolve(dirname(path), m.root);
  return m;
}

export function writeManifest(path: string, m: Manifest): void {
  validateManifest(m, path);
  writeJsonAtomic(path, m);
}

export function entriesOf(m: Manifest, split: ManifestEntry['split']): ManifestEntry[] {
  return m.entries.filter((e) => e.split === split);
}
