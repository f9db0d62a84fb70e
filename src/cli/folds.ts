/**
 * Grouped k-fold cross-validation of the whole chain (compare.folds = k ≥ 2, issue 17 item 4). Fold
 * i is a sub-run, RUN/folds/fold-<i> (runPaths(run).fold(i); inside it the ordinary run layout),
 * walked like `qmri run` (stage-walk.ts, its own stages.json and run.json): data (the parent manifest re-split:
 * src/data foldManifest, fold i's groups as test; with compare.foldScope 'trainval' only the parent's
 * train and val entries are re-split and its test split stays out of every fold; with data.removeDuplicates, near-duplicates across
 * the fold's splits removed by dedupeFold, the count in the fold manifest) → backbone (the registry's stage: trained on the
 * fold's train part, per-epoch checkpoint) → features → compare (every head over the seeds, no
 * low-data study, no fine-tuning). A finished fold is skipped, an interrupted one resumes (its
 * backbone from its last checkpoint). The k comparisons then decide the run's verdicts over the
 * folds (src/train applyFolds, Nadeau–Bengio; the choice is justified there), written back into
 * RUN/compare/results.json with the fold study.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import {
  dedupeFold,
  duplicateSettings,
  foldManifest,
  foldSource,
  manifestHashes,
  readManifest,
  writeManifest,
  type Manifest,
  type PHash,
} from '../data/index.js';
import type { FoldScope } from '../config/index.js';
import { configHash } from '../report/index.js';
import { runPaths } from '../run/index.js';
import { writeJsonAtomic } from '../util/atomic.js';
import {
  applyFolds,
  compareHeads,
  type CompareResult,
  type FoldRecord,
  type FoldedCompareResult,
} from '../train/index.js';
import { nullProgress, type ProgressSink } from '../util/progress.js';
import type { ExperimentConfig } from './config.js';
import { walkStages } from './stage-walk.js';
import { backboneStage } from './stages/backbone.js';
import { featuresStage } from './stages/features.js';
import type { StageDef } from './stages/types.js';

/** The folds of a config: compare.folds, 1 when absent. */
export const foldCount = (cfg: ExperimentConfig): number => cfg.compare.folds ?? 1;

/** Every entry's dHash by file (decoded once per cross-validation, for the folds' near-duplicate check). */
export type EntryHashes = () => Promise<Map<string, PHash | null>>;

export function entryHashes(m: Manifest): EntryHashes {
  let once: Promise<Map<string, PHash | null>> | null = null;
  return () => (once ??= manifestHashes(m));
}

/**
 * The fold's data stage: the parent manifest (under compare.foldScope) with fold i's groups as test,
 * the rest train/val; with data.removeDuplicates (default on), near-duplicates across the fold's
 * splits removed.
 */
export function foldDataStage(
  parentManifest: string,
  fold: { k: number; i: number; scope: FoldScope },
  hashes: EntryHashes,
): StageDef {
  const { k, i: index, scope } = fold;
  const source = () => foldSource(readManifest(parentManifest), scope);
  return {
    name: 'data',
    off: () => null,
    // the re-split entries (content hashes included), the fold and the duplicate rule: any change redoes the fold
    config: (cfg) => ({
      k,
      fold: index,
      entries: source().entries.map((e) => [e.file, e.label, e.group, e.sha256]),
      duplicates: duplicateSettings(cfg.data),
    }),
    outputs: (p) => [p.manifest],
    done: (p) => existsSync(p.manifest),
    async run({ paths, cfg }) {
      let m = foldManifest(source(), k, index);
      const dup = duplicateSettings(cfg.data);
      if (dup.removeDuplicates) m = dedupeFold(m, await hashes(), dup.duplicateDistance);
      writeManifest(paths.manifest, m);
      const n = (s: string) => m.entries.filter((e) => e.split === s).length;
      const removed = m.split.fold?.removedDuplicates;
      const dupText = removed === undefined ? '' : `, ${removed} near-duplicate(s) across its splits removed`;
      const held = scope === 'trainval' ? ' (re-split from train + val; the run’s test split held out)' : '';
      return `fold ${index + 1} of ${k}${held}: ${n('train')} train, ${n('val')} val, ${n('test')} test images${dupText}`;
    },
  };
}

/** The fold's compare stage: the heads over seeds on the fold's features (one split, no folds). */
const foldCompareStage: StageDef = {
  name: 'compare',
  off: () => null,
  config: (cfg) => cfg.compare,
  outputs: (p) => [p.headsDir, p.compareDir],
  done: (p) => existsSync(p.compare),
  async run({ run, cfg, log, progress }) {
    const r = await compareHeads(run, { ...cfg.compare, threads: cfg.threads }, { log, progress });
    return r.comparisons.map((c) => c.sentence).join(' | ');
  },
};

/** The experiment config of fold i's sub-run: the parent's, one split, no low-data study, no later stages. */
function foldConfig(cfg: ExperimentConfig, out: string): ExperimentConfig {
  const { folds: _k, foldScope: _s, finetune: _f, ...compare } = cfg.compare;
  return {
    ...cfg,
    out,
    compare: { ...compare, lowData: [] },
    explain: { ...cfg.explain, enabled: false },
    noise: { ...cfg.noise, enabled: false },
    report: { ...cfg.report, enabled: false },
  };
}

function readFold(sub: string, fold: number): FoldRecord {
  const p = runPaths(sub);
  const read = <T>(path: string): T => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as T;
    } catch (err) {
      throw new Error(`fold ${fold}: ${path}: cannot read (${(err as Error).message})`);
    }
  };
  const b = existsSync(p.backboneMetrics)
    ? read<{ bestEpoch: number; test: { accuracy: number } }>(p.backboneMetrics)
    : null;
  return {
    result: read<CompareResult>(p.compare),
    backbone: b ? { bestEpoch: b.bestEpoch, testAccuracy: b.test.accuracy } : null,
  };
}

export interface FoldHooks {
  log?: (line: string) => void;
  progress?: ProgressSink;
}

/**
 * With compare.folds = k ≥ 2: every fold's sub-run (walked, resumable), then the verdicts over the
 * folds written into RUN/compare/results.json. With k = 1 the one-split result as it is.
 */
export async function crossValidate(
  run: string,
  cfg: ExperimentConfig,
  main: CompareResult,
  hooks: FoldHooks = {},
): Promise<FoldedCompareResult> {
  const k = foldCount(cfg);
  if (k < 2) return main;
  const p = runPaths(run);
  if (!existsSync(p.manifest))
    throw new Error(`${p.manifest}: compare.folds = ${k} re-splits the data manifest, which is missing`);
  const log = hooks.log ?? (() => {});
  const folds: FoldRecord[] = [];
  const hashes = entryHashes(readManifest(p.manifest));
  const scope = cfg.compare.foldScope ?? 'all';
  for (let i = 0; i < k; i++) {
    const sub = p.fold(i);
    mkdirSync(sub, { recursive: true });
    const fcfg = foldConfig(cfg, sub);
    const paths = runPaths(sub);
    writeJsonAtomic(paths.config, fcfg);
    const defs = [
      foldDataStage(p.manifest, { k, i, scope }, hashes),
      backboneStage,
      featuresStage,
      foldCompareStage,
    ];
    const ctx = {
      run: sub,
      cfg: fcfg,
      paths,
      log: (l: string) => log(`fold ${i + 1}/${k}: ${l}`),
      progress: hooks.progress ?? nullProgress,
    };
    const t0 = performance.now();
    const stages = await walkStages(ctx, defs);
    // the sub-run's outcome, as `qmri run` writes it (this session's stages and seconds)
    const seconds = (performance.now() - t0) / 1000;
    writeJsonAtomic(paths.outcome, { run: sub, report: null, configHash: configHash(fcfg), stages, seconds });
    folds.push(readFold(sub, i + 1));
  }
  const out = applyFolds(main, folds);
  for (const c of out.comparisons) log(`${k} folds: ${c.sentence}`);
  writeJsonAtomic(p.compare, out);
  return out;
}
