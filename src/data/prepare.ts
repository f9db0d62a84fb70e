/**
 * prepareData(run, cfg): scan → decode and audit every file → grouped stratified split →
 * near-duplicates across splits (reported, and removed unless removeDuplicates: false) →
 * RUN/data/manifest.json and RUN/data/audit.json. Skipped when both exist, the data config is
 * unchanged and every file's bytes still have the manifest's sha256 (content, never modification
 * times).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Rng } from '../util/rng.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { buildAudit, type DatasetAudit } from './audit.js';
import { changedEntries } from './cache.js';
import { DataError } from './errors.js';
import { examineFiles, type FileFacts } from './examine.js';
import { DEFAULT_DUPLICATE_DISTANCE, nearDuplicatePairs, sha256 } from './hash.js';
import { readManifest, writeManifest } from './manifest.js';
import { validatePreprocess } from './preprocess.js';
import { scanDataset, type Layout, type ScanItem } from './scan.js';
import { assignSplits, validateSplitSettings } from './split.js';
import type {
  BadInputPolicy,
  Manifest,
  ManifestEntry,
  PreprocessConfig,
  SplitName,
  SplitSettings,
} from './types.js';

export interface DataConfig {
  dir: string;
  layout?: 'auto' | Layout;
  split: SplitSettings;
  preprocess: PreprocessConfig;
  /** stratified, seeded subsample of at most this many images */
  maxImages?: number;
  /** unreadable files: skip and report (default) or stop */
  badInput?: BadInputPolicy;
  /** drop the val/test member of near-duplicate pairs that straddle splits (default true; false: report only) */
  removeDuplicates?: boolean;
  /** dHash Hamming distance (of 256 bits) counted as a near-duplicate (default 10) */
  duplicateDistance?: number;
  /** cap on width×height of any input (default 64 Mpx) */
  maxPixels?: number;
}

export const DEFAULT_SPLIT: SplitSettings = { train: 0.7, val: 0.15, test: 0.15, seed: 0, blockSize: 20 };

export function validateDataConfig(cfg: DataConfig, field = 'data'): void {
  if (!cfg || typeof cfg !== 'object') throw new Error(`${field}: expected an object`);
  if (typeof cfg.dir !== 'string' || !cfg.dir) throw new Error(`${field}.dir: expected the dataset folder`);
  if (cfg.layout !== undefined && !['auto', 'folders', 'kaggle'].includes(cfg.layout))
    throw new Error(`${field}.layout: expected auto, folders or kaggle, got ${JSON.stringify(cfg.layout)}`);
  validateSplitSettings(cfg.split, `${field}.split`);
  validatePreprocess(cfg.preprocess, `${field}.preprocess`);
  if (cfg.maxImages !== undefined && !(Number.isInteger(cfg.maxImages) && cfg.maxImages >= 4))
    throw new Error(`${field}.maxImages: expected an integer ≥ 4, got ${JSON.stringify(cfg.maxImages)}`);
  if (cfg.badInput !== undefined && cfg.badInput !== 'skip' && cfg.badInput !== 'fail')
    throw new Error(`${field}.badInput: expected 'skip' or 'fail'`);
  if (
    cfg.duplicateDistance !== undefined &&
    !(Number.isInteger(cfg.duplicateDistance) && cfg.duplicateDistance >= 0 && cfg.duplicateDistance <= 256)
  )
    throw new Error(`${field}.duplicateDistance: expected an integer in [0, 256]`);
}

function subsample(items: ScanItem[], classes: string[], max: number, seed: number): ScanItem[] {
  if (items.length <= max) return items;
  const rng = new Rng(seed).fork('subsample');
  const keep: ScanItem[] = [];
  for (const c of classes) {
    const mine = items.filter((i) => i.className === c);
    const k = Math.max(1, Math.round((max * mine.length) / items.length));
    const idx = [...rng.permutation(mine.length)].slice(0, k).sort((a, b) => a - b);
    for (const i of idx) keep.push(mine[i]);
  }
  return keep;
}

export interface PreparedData {
  manifest: Manifest;
  audit: DatasetAudit;
}

export async function prepareData(
  run: string,
  cfg: DataConfig,
  hooks: { log?: (line: string) => void; onProgress?: (done: number, total: number) => void } = {},
): Promise<Manifest> {
  return (await prepareDataFull(run, cfg, hooks)).manifest;
}

export async function prepareDataFull(
  run: string,
  cfg: DataConfig,
  hooks: { log?: (line: string) => void; onProgress?: (done: number, total: number) => void } = {},
): Promise<PreparedData> {
  validateDataConfig(cfg);
  const root = resolve(cfg.dir);
  const manifestPath = join(run, 'data', 'manifest.json');
  const auditPath = join(run, 'data', 'audit.json');
  const settings = {
    root,
    layout: cfg.layout ?? 'auto',
    split: cfg.split,
    maxImages: cfg.maxImages ?? null,
    badInput: cfg.badInput ?? 'skip',
    removeDuplicates: cfg.removeDuplicates ?? true,
    duplicateDistance: cfg.duplicateDistance ?? DEFAULT_DUPLICATE_DISTANCE,
    maxPixels: cfg.maxPixels ?? null,
  };
  const configHash = sha256(JSON.stringify(settings)).slice(0, 16);
  if (existsSync(manifestPath) && existsSync(auditPath)) {
    try {
      const m = readManifest(manifestPath);
      const changed = m.split.configHash === configHash ? changedEntries(m.root, m.entries).length : -1;
      if (changed === 0) {
        hooks.log?.(`data: ${manifestPath} is up to date`);
        return { manifest: m, audit: JSON.parse(readFileSync(auditPath, 'utf8')) as DatasetAudit };
      }
      if (changed > 0)
        hooks.log?.(`data: ${changed} file(s) changed since the manifest (sha256), preparing again`);
    } catch {
      // unreadable old manifest: prepare again
    }
  }
  const scan = scanDataset(root, { layout: cfg.layout, blockSize: cfg.split.blockSize });
  if (settings.badInput === 'fail' && scan.issues.length)
    throw new DataError(scan.issues[0].file, 'dataset', scan.issues[0].problem);
  const items = cfg.maxImages
    ? subsample(scan.items, scan.classes, cfg.maxImages, cfg.split.seed)
    : scan.items;
  hooks.log?.(
    `data: ${items.length} files in ${scan.classes.length} classes (${scan.layout} layout), decoding and auditing`,
  );
  const facts = await examineFiles(root, items, { maxPixels: cfg.maxPixels, onProgress: hooks.onProgress });
  const bad = facts.filter((f) => !f.ok);
  if (bad.length && settings.badInput === 'fail')
    throw new DataError(join(root, bad[0].file), bad[0].code ?? 'corrupt', bad[0].problem ?? 'unreadable');
  for (const b of bad.slice(0, 10)) hooks.log?.(`data: skipped ${b.file}: ${b.problem}`);
  const good = facts.filter((f) => f.ok);
  const classes = scan.classes.filter((c) => good.some((f) => f.className === c));
  if (classes.length < 2)
    throw new DataError(
      root,
      'dataset',
      `need at least two classes with readable images, found ${classes.length}`,
    );
  const label = new Map(classes.map((c, i) => [c, i]));
  const splits = assignSplits(
    good.map((f) => ({ label: label.get(f.className)!, group: f.group })),
    classes.length,
    cfg.split,
  );
  // near-duplicates across splits
  const dist = settings.duplicateDistance;
  const drop = new Set<number>();
  if (settings.removeDuplicates) {
    const order: Record<SplitName, number> = { train: 0, val: 1, test: 2 };
    for (const [i, j] of nearDuplicatePairs(
      good.map((f) => f.dhash),
      dist,
    ))
      if (splits[i] !== splits[j]) drop.add(order[splits[i]] >= order[splits[j]] ? i : j);
  }
  const allSplits: (SplitName | null)[] = [];
  const goodIndex = new Map<FileFacts, number>(good.map((f, i) => [f, i]));
  for (const f of facts) allSplits.push(goodIndex.has(f) ? splits[goodIndex.get(f)!] : null);
  const audit = buildAudit(root, scan.layout, classes, facts, scan.issues, scan.emptyClasses, {
    maxDistance: dist,
    splits: allSplits,
    removed: drop.size,
  });
  const entries: ManifestEntry[] = [];
  good.forEach((f, i) => {
    if (drop.has(i)) return;
    entries.push({
      file: f.file,
      label: label.get(f.className)!,
      className: f.className,
      group: f.group,
      split: splits[i],
      sha256: f.sha256,
      box: f.box,
      ...(f.slice !== undefined ? { slice: f.slice } : {}),
    });
  });
  const manifest: Manifest = {
    version: 1,
    root,
    classes,
    entries,
    split: {
      ...cfg.split,
      layout: scan.layout,
      grouping: 'case folder > DICOM patient > block of consecutive file numbers > file',
      removedDuplicates: drop.size,
      configHash,
    },
  };
  writeJsonAtomic(auditPath, audit);
  writeManifest(manifestPath, manifest);
  if (audit.shortcut.warning) hooks.log?.(`data: ${audit.shortcut.message}`);
  hooks.log?.(`data: ${entries.length} images → ${manifestPath}`);
  return { manifest, audit };
}

/** The audit of a folder without splitting it (`qmri data inspect`). */
export async function inspectDataset(
  dir: string,
  opts: {
    layout?: 'auto' | Layout;
    blockSize?: number;
    maxPixels?: number;
    duplicateDistance?: number;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<DatasetAudit> {
  const root = resolve(dir);
  const scan = scanDataset(root, { layout: opts.layout, blockSize: opts.blockSize });
  const facts = await examineFiles(root, scan.items, {
    maxPixels: opts.maxPixels,
    onProgress: opts.onProgress,
  });
  return buildAudit(root, scan.layout, scan.classes, facts, scan.issues, scan.emptyClasses, {
    maxDistance: opts.duplicateDistance,
  });
}
