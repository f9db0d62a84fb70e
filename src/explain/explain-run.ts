/**
 * explainRun(run, cfg, hooks?) — the explain stage over a run folder: explicit image files (decoded
 * with the backbone's preprocessing) or `cases` images spread evenly over a manifest split, each analysed
 * with analyzeCase's machinery, then written atomically:
 *
 *   RUN/explain/audit.json           { version, config, summary (flat scalars), summaries per model,
 *                                      localization: [{model, method, label, pointingGame,
 *                                      pointingGameTol, energyInBox, cap: {…}, emptyFraction,
 *                                      deletionAuc, insertionAuc, sanity: {rankCorrelation, passed,
 *                                      threshold, stages}, msPerImage, …}],
 *                                      flagged: [{file, flags}], cases: [{file, label, predicted,
 *                                      flagged, flags, spearman, …, models: {…}, images: {…png}}] }
 *   RUN/explain/cases/<n>-<model>-<map>.png     overlays of every map method (tumor box drawn)
 *   RUN/explain/cases/<n>-<model>-shap-{bar,waterfall}.{svg,png}
 *   RUN/explain/overlay-grid.{svg,png}            cases × maps (first 8 cases)
 *   RUN/explain/beeswarm-<model>.{svg,png}        SHAP over the explained cases
 *
 * Everything that can be checked cheaply (run, heads, layer, methods, split non-empty, files exist,
 * background width) is checked before the first image is analysed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import sharp from 'sharp';
import {
  entriesOf,
  loadSplit,
  preprocessFile,
  readManifest,
  validatePreprocess,
  type PreparedImage,
  type PreprocessConfig,
} from '../data/index.js';
import { check, explainStageSchema } from '../config/index.js';
import { openRun, runPaths, type OpenRun } from '../run/index.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';
import { nullProgress, type ProgressSink } from '../util/progress.js';
import { ownsItem, readShardParts, writeShardPart, type Shard } from '../util/shard.js';
import {
  analyzeWithHeads,
  FAST_METHODS,
  checkCase,
  DEFAULT_TOLERANCE_PX,
  MAP_LABELS,
  METHODS,
  resolveMethods,
  shapJson,
  type AnalyzeOptions,
  type CaseAnalysis,
  type ModelCase,
} from './analyze-case.js';
import {
  summarizeAudits,
  summarizeLocalization,
  withholdUnsaneFlags,
  type AuditSummary,
  type MethodSummary,
} from './audit.js';
import { loadBackground } from './background.js';
import {
  DEFAULT_SANITY_THRESHOLD,
  SanityCheck,
  SanityCorrelations,
  type SanityCorrelation,
  type SanityResult,
} from './sanity.js';
import { checkLayer, DEFAULT_LAYER } from './cam-base.js';
import { disposeHeads, explainHeads, type ExplainHead } from './explain-heads.js';
import {
  beeswarmSvg,
  overlayGridSvg,
  shapBarSvg,
  shapWaterfallSvg,
  svgToPng,
  type GridRow,
} from './plots.js';

/**
 * The explain stage's settings: analyzeCase's options (less `png`: explainRun always renders), with
 * explainRun's own defaults (2048 Kernel SHAP coalitions, 16 faithfulness points), plus what to explain.
 */
export interface ExplainConfig extends Omit<AnalyzeOptions, 'png'> {
  /** image files to explain (instead of a split) */
  images?: string[];
  /** manifest split to explain when no images are given (default 'test') */
  split?: 'train' | 'val' | 'test';
  /** at most this many images of the split (default 16) */
  cases?: number;
  /** the model-parameter randomisation check (default on) and its rank-correlation threshold (0.5) */
  sanity?: boolean;
  sanityThreshold?: number;
  /** data cache folder for loadSplit (default: the data module's) */
  cacheDir?: string;
}

export interface ExplainRunResult {
  dir: string;
  cases: number;
  summaries: Record<string, AuditSummary>;
  flagged: { file: string; flags: string[] }[];
  /** one row per model × map method */
  localization: LocalizationRow[];
  analyses: CaseAnalysis[];
}

/** The per method × head table (audit.json, `qmri explain --json`, the report). */
export interface LocalizationRow extends MethodSummary {
  model: string;
  method: string;
  label: string;
  /** mean deletion / insertion AUC over the images with a non-empty map (faithfulness.ts) */
  deletionAuc: number | null;
  insertionAuc: number | null;
  /** the model-parameter randomisation check (sanity.ts); null when it was not run */
  sanity: SanityResult | null;
}

function displayOf(input: Float32Array, S: number): Float32Array {
  const ch = input.subarray(0, S * S);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of ch) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return Float32Array.from(ch, (v) => (hi > lo ? (v - lo) / (hi - lo) : 0));
}

async function loadImages(
  open: OpenRun,
  cfg: ExplainConfig,
): Promise<{ images: PreparedImage[]; labels: (number | null)[] }> {
  const pre = open.arch.preprocess as unknown as PreprocessConfig;
  validatePreprocess(pre, `${runPaths(open.dir).arch}: preprocess`);
  if (cfg.images && cfg.images.length) {
    for (const f of cfg.images) if (!existsSync(f)) throw new Error(`${f}: image file not found`);
    const images: PreparedImage[] = [];
    for (const f of cfg.images) images.push(await preprocessFile(f, pre));
    return { images, labels: images.map(() => null) };
  }
  const split = cfg.split ?? 'test';
  const mpath = runPaths(open.dir).manifest;
  if (!existsSync(mpath))
    throw new Error(`${mpath}: no data manifest in this run (pass --image files instead)`);
  const m = readManifest(mpath);
  const n = entriesOf(m, split).length;
  if (n === 0) throw new Error(`${mpath}: the '${split}' split is empty; nothing to explain`);
  const set = await loadSplit(m, split, pre, { cacheDir: cfg.cacheDir });
  const pick = spreadIndices(set.y.length, cfg.cases ?? 16);
  const per = 3 * set.size * set.size;
  const images = pick.map((i) => {
    const input = set.x.slice(i * per, (i + 1) * per);
    return {
      input,
      display: displayOf(input, set.size),
      size: set.size,
      box: set.boxes[i],
      source: set.files[i],
    };
  });
  const sides = await Promise.all(
    pick.map((i) => sourceSide(isAbsolute(set.files[i]) ? set.files[i] : join(m.root, set.files[i]))),
  );
  images.forEach((img, n) => {
    if (sides[n]) (img as PreparedImage).sourceSide = sides[n];
  });
  return { images, labels: pick.map((i) => set.y[i]) };
}

/**
 * The source image's longer side (header only): the tolerance scale for cached split images. With
 * brain cropping the true crop is smaller, so the tolerance is then slightly conservative.
 */
async function sourceSide(file: string): Promise<number | undefined> {
  try {
    const m = await sharp(file).metadata();
    return m.width && m.height ? Math.max(m.width, m.height) : undefined;
  } catch {
    return undefined; // DICOM / NIfTI: no tolerance figure for this image
  }
}

/** The JSON form of a model's audit and SHAP results (audit.json and `qmri explain --json`). */
export function explanationJson(m: ModelCase) {
  return {
    audit: m.audit ?? null,
    shap: m.shap ? shapJson(m.shap, true) : null,
    shapCheck: m.shapCheck ?? null,
    circuitShap: m.circuitShap ?? null,
    partition: m.partition ?? null,
    localization: m.localization,
    faithfulness: m.faithfulness ?? null,
    mapMs: Object.fromEntries(Object.entries(m.maps).map(([k, v]) => [k, v.ms])),
  };
}

/**
 * k indices spread evenly over 0..n−1 (all of them when k ≥ n): a split is stored class by class,
 * so its first k images would all be of one class.
 */
export function spreadIndices(n: number, k: number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: k }, (_, i) => Math.floor(((i + 0.5) * n) / k));
}

const safeName = (s: string) =>
  basename(s)
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 60);

type Log = (line: string) => void;

/** The explain settings as defined in src/config (ranges of cases, shapSamples, …). */
const EXPLAIN_SETTINGS = explainStageSchema(METHODS, FAST_METHODS);

function checkConfig(cfg: ExplainConfig): string[] {
  const methods = resolveMethods(cfg.methods);
  check(EXPLAIN_SETTINGS, { ...cfg, methods }, { prefix: 'explain' });
  return methods;
}

/** The run and its explained heads; the backbone is released when the heads cannot be built. */
function openHeads(run: string, cfg: ExplainConfig): { open: OpenRun; heads: ExplainHead[] } {
  const open = openRun(run);
  try {
    checkLayer(open.net, cfg.layer ?? DEFAULT_LAYER);
    return { open, heads: explainHeads(open) };
  } catch (err) {
    open.net.dispose();
    throw err;
  }
}

function checkBackground(run: string, cfg: ExplainConfig, heads: ExplainHead[], methods: string[]): void {
  if (!methods.includes('kernelshap') && !methods.includes('permshap')) return;
  const bg = loadBackground(run, cfg.backgroundSize ?? 50, cfg.seed ?? 0);
  for (const h of heads)
    if (bg.dim !== h.head.inDim)
      throw new RangeError(
        `SHAP background ${bg.source} has ${bg.dim} features, the ${h.source} head expects ${h.head.inDim}`,
      );
}

function analyzeOptions(cfg: ExplainConfig, methods: string[]): AnalyzeOptions {
  return {
    methods,
    layer: cfg.layer,
    targetClass: cfg.targetClass,
    shapSamples: cfg.shapSamples ?? 2048,
    backgroundSize: cfg.backgroundSize,
    partitionEvals: cfg.partitionEvals,
    partitionGrid: cfg.partitionGrid,
    thresholds: cfg.thresholds,
    tolerancePx: cfg.tolerancePx,
    layerCamLayers: cfg.layerCamLayers,
    scoreCamBatch: cfg.scoreCamBatch,
    igSteps: cfg.igSteps,
    pathSteps: cfg.pathSteps,
    seed: cfg.seed,
    faithfulnessSteps: cfg.faithfulnessSteps ?? DEFAULT_FAITHFULNESS_STEPS,
  };
}

/** explainRun's deletion / insertion curve points per map. */
export const DEFAULT_FAITHFULNESS_STEPS = 16;

/** SHAP bar and waterfall plots of one model of one case; returns their PNG paths by key. */
async function writeShapPlots(
  dir: string,
  id: string,
  a: CaseAnalysis,
  m: ModelCase,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!m.shap) return out;
  const top = m.shap.top.map((t) => ({ label: `feature ${t.feature}`, phi: t.phi }));
  const rest = m.shap.fx - m.shap.base - top.reduce((s, t) => s + t.phi, 0);
  const cls = a.classes[a.targetClass] ?? String(a.targetClass);
  for (const [kind, s] of [
    ['bar', shapBarSvg(top, `${m.name}: SHAP (${cls})`)],
    ['waterfall', shapWaterfallSvg(m.shap.base, m.shap.fx, top, rest, `${m.name}: P(${cls})`)],
  ] as const) {
    const rel = `cases/${id}-${m.name}-shap-${kind}`;
    writeFileAtomic(join(dir, `${rel}.svg`), s);
    writeFileAtomic(join(dir, `${rel}.png`), await svgToPng(s));
    out[`${m.name}-shap-${kind}`] = `${rel}.png`;
  }
  return out;
}

/** Writes one case's overlays and plots; returns its audit.json record (and grid cells). */
async function writeCase(
  dir: string,
  i: number,
  a: CaseAnalysis,
  label: number | null,
  gridRows: GridRow[],
): Promise<Record<string, unknown> & { flags: string[] }> {
  const id = `${String(i).padStart(3, '0')}-${safeName(a.source)}`;
  const pngs: Record<string, string> = {};
  const models: Record<string, unknown> = {};
  const flags: string[] = [];
  const cells: GridRow['cells'] = [];
  for (const m of a.models) {
    for (const [k, v] of Object.entries(m.maps)) {
      if (!v?.png) continue;
      const rel = `cases/${id}-${m.name}-${k}.png`;
      writeFileAtomic(join(dir, rel), v.png);
      pngs[`${m.name}-${k}`] = rel;
      if (gridRows.length < 8) cells.push({ title: `${m.name} ${k}`, png: v.png });
    }
    Object.assign(pngs, await writeShapPlots(dir, id, a, m));
    for (const f of m.audit?.flags ?? []) flags.push(`${m.name}: ${f}`);
    models[m.name] = { source: m.source, probs: m.probs, predicted: m.predicted, ...explanationJson(m) };
  }
  if (cells.length) gridRows.push({ label: `${a.source} (${a.classes[a.targetClass]})`, cells });
  const c0 = a.models[0];
  return {
    file: a.source,
    label,
    explainedClass: a.targetClass,
    predicted: c0.predicted,
    headsAgree: a.headsAgree,
    flagged: flags.length > 0,
    flags,
    spearman: c0.audit?.spearman ?? null,
    iouTop20: c0.audit?.iouTop20 ?? null,
    gradcamPointing: c0.audit?.gradcam.pointing ?? null,
    shapPointing: c0.audit?.shap.pointing ?? null,
    gradcamEnergyInBox: c0.audit?.gradcam.energyInBox ?? null,
    shapEnergyInBox: c0.audit?.shap.energyInBox ?? null,
    box: a.box,
    models,
    images: pngs,
    notes: a.notes,
  };
}

/** The SHAP beeswarm of one model over the explained cases. */
async function writeBeeswarm(dir: string, name: string, analyses: CaseAnalysis[]): Promise<void> {
  const rows = analyses
    .map((a) => ({ a, s: a.models.find((m) => m.name === name)?.shap }))
    .filter((r) => !!r.s);
  if (!rows.length) return;
  const d = rows[0].s!.phi.length;
  const phi = new Float64Array(rows.length * d);
  const vals = new Float64Array(rows.length * d);
  rows.forEach((r, n) => {
    phi.set(r.s!.phi, n * d);
    vals.set(r.a.features, n * d);
  });
  const s = beeswarmSvg(
    phi,
    vals,
    rows.length,
    d,
    (f) => `feature ${f}`,
    `${name}: SHAP over ${rows.length} cases`,
  );
  writeFileAtomic(join(dir, `beeswarm-${name}.svg`), s);
  writeFileAtomic(join(dir, `beeswarm-${name}.png`), await svgToPng(s));
}

/** Per model: the Grad-CAM/SHAP audit summary (flat scalars too) and the beeswarm. */
async function summarizeModels(dir: string, heads: ExplainHead[], analyses: CaseAnalysis[]) {
  const summaries: Record<string, AuditSummary> = {};
  const summary: Record<string, number | string | null> = { cases: analyses.length };
  for (const h of heads) {
    const audits = analyses.flatMap((a) =>
      a.models.filter((m) => m.name === h.name && m.audit).map((m) => m.audit!),
    );
    if (!audits.length) continue;
    const s = summarizeAudits(audits);
    summaries[h.name] = s;
    for (const [k, v] of Object.entries(s))
      if (typeof v !== 'object' || v === null) summary[`${h.name}.${k}`] = v as number | null;
    await writeBeeswarm(dir, h.name, analyses);
  }
  return { summaries, summary };
}

const meanOf = (v: (number | null | undefined)[]) => {
  const x = v.filter((e): e is number => typeof e === 'number' && Number.isFinite(e));
  return x.length ? x.reduce((a, b) => a + b, 0) / x.length : null;
};

/**
 * One row per model × map method, in registry order: localisation, caps, empty maps, faithfulness
 * AUCs, the randomisation verdict (`sanity`: model → method → result) and the time per image.
 */
export function localizationTable(
  heads: { name: string }[],
  analyses: CaseAnalysis[],
  sanity: Map<string, Map<string, SanityResult>> | null = null,
): LocalizationRow[] {
  const rows: LocalizationRow[] = [];
  for (const h of heads)
    for (const method of METHODS) {
      const ms = analyses.flatMap((a) => a.models.filter((m) => m.name === h.name && m.maps[method]));
      if (!ms.length) continue;
      const s = summarizeLocalization(
        ms.map((m) => m.localization[method]),
        ms.map((m) => m.maps[method].ms),
      );
      const f = ms.map((m) => m.faithfulness?.[method]);
      rows.push({
        model: h.name,
        method,
        label: MAP_LABELS[method] ?? method,
        ...s,
        deletionAuc: meanOf(f.map((x) => x?.deletionAuc)),
        insertionAuc: meanOf(f.map((x) => x?.insertionAuc)),
        sanity: sanity?.get(h.name)?.get(method) ?? null,
      });
    }
  return rows;
}

/** Withholds each audit's disagreement flags when Grad-CAM or SHAP-CAM failed the sanity check. */
function applySanity(analyses: CaseAnalysis[], sanity: Map<string, Map<string, SanityResult>>): void {
  for (const a of analyses) {
    for (const m of a.models) {
      if (!m.audit) continue;
      const failed = ['gradcam', 'shapcam'].filter((k) => sanity.get(m.name)?.get(k)?.passed === false);
      m.audit = withholdUnsaneFlags(m.audit, failed);
    }
    a.agree = a.models.every((m) => !m.audit || m.audit.flags.length === 0);
  }
}

/**
 * `--nproc` sharding (src/util/shard.ts): a worker analyses images rank, rank+N, … and writes them with
 * their sanity correlations as its part; the merger reads every worker's part instead of analysing,
 * interleaved back into input order, and writes the stage as one process.
 */
interface ShardPart {
  analysis: CaseAnalysis;
  correlations: SanityCorrelation[];
}

/** Analyses the images (every one, or a worker's shard) and their randomised-model maps. */
async function analyzeImages(
  open: OpenRun,
  heads: ExplainHead[],
  images: PreparedImage[],
  opts: AnalyzeOptions,
  cfg: ExplainConfig,
  hooks: { log: Log; progress: ProgressSink; shard?: Shard },
): Promise<ShardPart[]> {
  const part: ShardPart[] = [];
  const check = cfg.sanity === false ? null : new SanityCheck(open, heads, cfg.seed ?? 0);
  try {
    hooks.progress.start(images.length, 'explain');
    for (let i = 0; i < images.length; i++) {
      if (!ownsItem(hooks.shard, i)) continue;
      const t0 = performance.now();
      const a = await analyzeWithHeads(open, heads, images[i], opts.methods!, opts);
      part.push({ analysis: a, correlations: check ? await check.add(images[i], a, opts) : [] });
      hooks.progress.update(i + 1);
      const flags = a.models.flatMap((m) => (m.audit?.flags ?? []).map((f) => `${m.name}: ${f}`));
      const took = ((performance.now() - t0) / 1000).toFixed(1);
      hooks.log(
        `explain ${i + 1}/${images.length} ${a.source}: ${flags.length ? flags.join('; ') : 'no flags'} (${took} s)`,
      );
    }
    hooks.progress.stop();
  } finally {
    check?.dispose();
  }
  return part;
}

/** Analyses every image (or merges the workers' analyses); the sanity verdicts; writes the cases. */
async function explainImages(
  open: OpenRun,
  heads: ExplainHead[],
  images: PreparedImage[],
  labels: (number | null)[],
  opts: AnalyzeOptions,
  cfg: ExplainConfig,
  dir: string,
  hooks: { log: Log; progress: ProgressSink; shard?: Shard },
) {
  const parts =
    hooks.shard?.role === 'merge'
      ? readShardParts<ShardPart>(hooks.shard.dir, hooks.shard.worldSize, images.length)
      : await analyzeImages(open, heads, images, opts, cfg, hooks);
  const analyses = parts.map((p) => p.analysis);
  const correlations = parts.map((p) => p.correlations);
  let sanity: Map<string, Map<string, SanityResult>> | null = null;
  if (cfg.sanity !== false) {
    const corr = new SanityCorrelations();
    for (const c of correlations.flat()) corr.push(c);
    sanity = corr.verdicts(cfg.sanityThreshold ?? DEFAULT_SANITY_THRESHOLD);
    applySanity(analyses, sanity);
  }
  const records: (Record<string, unknown> & { flags: string[] })[] = [];
  const gridRows: GridRow[] = [];
  for (let i = 0; i < analyses.length; i++)
    records.push(await writeCase(dir, i, analyses[i], labels[i], gridRows));
  if (gridRows.length) {
    const g = await overlayGridSvg(gridRows, 'Grad-CAM / SHAP overlays');
    writeFileAtomic(join(dir, 'overlay-grid.svg'), g);
    writeFileAtomic(join(dir, 'overlay-grid.png'), await svgToPng(g));
  }
  return { analyses, records, sanity };
}

export async function explainRun(
  run: string,
  cfg: ExplainConfig = {},
  hooks: { log?: Log; progress?: ProgressSink; shard?: Shard } = {},
): Promise<ExplainRunResult> {
  const methods = checkConfig(cfg);
  const { open, heads } = openHeads(run, cfg);
  try {
    checkBackground(run, cfg, heads, methods);
    const { images, labels } = await loadImages(open, cfg);
    const opts = analyzeOptions(cfg, methods);
    for (const img of images) checkCase(open, img, opts);
    const paths = runPaths(run);
    const dir = paths.explainDir;
    const log = hooks.log ?? (() => {});
    const progress = hooks.progress ?? nullProgress;
    if (hooks.shard?.role === 'worker') {
      const part = await analyzeImages(open, heads, images, opts, cfg, { log, progress, shard: hooks.shard });
      writeShardPart(hooks.shard, part);
      return {
        dir,
        cases: part.length,
        summaries: {},
        flagged: [],
        localization: [],
        analyses: part.map((p) => p.analysis),
      };
    }
    mkdirSync(paths.explainCases, { recursive: true });
    const { analyses, records, sanity } = await explainImages(open, heads, images, labels, opts, cfg, dir, {
      log,
      progress,
      shard: hooks.shard,
    });
    const { summaries, summary } = await summarizeModels(dir, heads, analyses);
    const localization = localizationTable(heads, analyses, sanity);
    const flagged = records
      .filter((r) => r.flags.length)
      .map((r) => ({ file: r.file as string, flags: r.flags }));
    writeJsonAtomic(paths.explainAudit, {
      version: 1,
      config: {
        ...cfg,
        methods,
        layer: cfg.layer ?? DEFAULT_LAYER,
        shapSamples: opts.shapSamples,
        tolerancePx: cfg.tolerancePx ?? DEFAULT_TOLERANCE_PX,
        faithfulnessSteps: opts.faithfulnessSteps,
        faithfulnessBaselines: { deletion: 'zero (the image mean)', insertion: 'blurred image' },
        sanity: cfg.sanity ?? true,
        sanityThreshold: cfg.sanityThreshold ?? DEFAULT_SANITY_THRESHOLD,
      },
      summary,
      summaries,
      localization,
      flagged,
      cases: records,
    });
    return { dir, cases: analyses.length, summaries, flagged, localization, analyses };
  } finally {
    disposeHeads(heads);
    open.net.dispose();
  }
}
