/**
 * prepareData(run, cfg): scan → decode and audit every file → grouped stratified split →
 * near-duplicates across splits (reported, and removed unless removeDuplicates: false) →
 * RUN/data/manifest.json and RUN/data/audit.json. Skipped when both exist, the data config is
 * unchanged and every file's bytes still have the manifest's sha256 (content, never modification
 * times).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DataStageSchema,
  SplitSchema,
  check,
  checkSplitSum,
  resolve as resolveConfig,
  type DataStageConfig,
} from '../config/index.js';
import { runPaths } from '../run/index.js';
import { Rng } from '../util/rng.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { buildAudit, type DatasetAudit } from './audit.js';
import { changedEntries } from './cache.js';
import { DataError } from './errors.js';
import { examineFiles, type FileFacts } from './examine.js';
import { crossSplitDuplicates, duplicateSettings } from './duplicates.js';
import { sha256 } from './hash.js';
import { readManifest, writeManifest } from './manifest.js';
import { scanDataset, type Layout, type ScanItem } from './scan.js';
import { assignSplits } from './split.js';
import type { Manifest, ManifestEntry, SplitName, SplitSettings } from './types.js';

/** The data stage's settings, as defined in src/config (DataStageSchema). */
export type DataConfig = DataStageConfig;

/** The defaults of src/config's SplitSchema. */
export const DEFAULT_SPLIT: SplitSettings = resolveConfig(SplitSchema, {});

/** The data stage's settings as defined in src/config (DataStageSchema), fractions adding up to 1. */
export function validateDataConfig(cfg: DataConfig, field = 'data'): void {
  check(DataStageSchema, cfg, { prefix: field });
  checkSplitSum(cfg.split, `${field}.split`);
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

/** the prepared data already in the run folder, when its settings and files are unchanged */
function reuseIfUpToDate(
  manifestPath: string,
  auditPath: string,
  configHash: string,
  log: ((line: string) => void) | undefined,
): PreparedData | null {
  if (!(existsSync(manifestPath) && existsSync(auditPath))) return null;
  try {
    const m = readManifest(manifestPath);
    const changed = m.split.configHash === configHash ? changedEntries(m.root, m.entries).length : -1;
    if (changed === 0) {
      log?.(`data: ${manifestPath} is up to date`);
      return { manifest: m, audit: JSON.parse(readFileSync(auditPath, 'utf8')) as DatasetAudit };
    }
    if (changed > 0) log?.(`data: ${changed} file(s) changed since the manifest (sha256), preparing again`);
  } catch {
    // unreadable old manifest: prepare again
  }
  return null;
}

function manifestEntries(
  good: FileFacts[],
  drop: Set<number>,
  label: Map<string, number>,
  splits: SplitName[],
): ManifestEntry[] {
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
  return entries;
}

export async function prepareDataFull(
  run: string,
  cfg: DataConfig,
  hooks: { log?: (line: string) => void; onProgress?: (done: number, total: number) => void } = {},
): Promise<PreparedData> {
  validateDataConfig(cfg);
  const root = resolve(cfg.dir);
  const { manifest: manifestPath, audit: auditPath } = runPaths(run);
  const settings = {
    root,
    layout: cfg.layout ?? 'auto',
    split: cfg.split,
    maxImages: cfg.maxImages ?? null,
    badInput: cfg.badInput ?? 'skip',
    ...duplicateSettings(cfg),
    maxPixels: cfg.maxPixels ?? null,
  };
  const configHash = sha256(JSON.stringify(settings)).slice(0, 16);
  const reused = reuseIfUpToDate(manifestPath, auditPath, configHash, hooks.log);
  if (reused) return reused;
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
  const dist = settings.duplicateDistance;
  const hashes = good.map((f) => f.dhash);
  const drop = settings.removeDuplicates ? crossSplitDuplicates(hashes, splits, dist) : new Set<number>();
  const allSplits: (SplitName | null)[] = [];
  const goodIndex = new Map<FileFacts, number>(good.map((f, i) => [f, i]));
  for (const f of facts) allSplits.push(goodIndex.has(f) ? splits[goodIndex.get(f)!] : null);
  const audit = buildAudit(root, scan.layout, classes, facts, scan.issues, scan.emptyClasses, {
    maxDistance: dist,
    splits: allSplits,
    removed: drop.size,
  });
  const entries = manifestEntries(good, drop, label, splits);
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
