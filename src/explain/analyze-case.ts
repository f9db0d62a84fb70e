/**
 * analyzeCase(open, img, opts?) — the single-image explanation used by `qmri predict`, the web
 * viewer and explainRun. For every explained model (classical; hybrid = quantum head, when the
 * run has one; bottleneck when present) it returns plain data and PNG bytes:
 *
 *   CaseAnalysis {
 *     source, size, classes: string[], layer, targetClass,  // the class explained (the classical
 *                                                            // model's prediction unless given)
 *     models: ModelCase[] {
 *       name: 'classical' | 'hybrid' | 'bottleneck', source: head file kind or 'backbone',
 *       probs: number[], predicted: number,  // with TTA (the run's backbone.tta): from the pooled features averaged
 *                                            // over the views (the maps and SHAP explain the image as it is)
 *       maps: { <CAM method or spatial SHAP explainer>: { map: Float32Array S×S in [0,1],
 *               raw, h, w (the map's own cells), png?: Buffer (overlay, tumor box drawn), ms } }
 *       localization: { <map name>: MapLocalization }       // pointing (raw-cell peak), with
 *                                                            // tolerance, energy-in-box, cap
 *       shap?: { method: 'kernel' | 'permutation', base, fx, additivityError, evaluations,
 *                phi: Float64Array (target class, one per pooled feature),
 *                top: { feature, phi, value }[],           // largest |φ| first
 *                meanStdErr? }                             // permutation: mean standard error
 *       shapCheck?: { method: 'permutation', cosineWithKernel, meanStdErr, … }  // both asked for
 *       circuitShap?: { phi: number[] (per qubit), additivityError }   // hybrid model only
 *       partition?: { grid, additivityError, evaluations }
 *       audit?: CaseAudit                                   // Grad-CAM vs SHAP-CAM (audit.ts)
 *       faithfulness?: { <map name>: { deletionAuc, insertionAuc } | null }  // faithfulnessSteps > 0
 *     },
 *     features: Float32Array, // the image's pooled backbone features
 *     agree: boolean,        // no model's audit raised a flag
 *     headsAgree: boolean,   // all models predict the same class
 *     notes: string[],       // e.g. SHAP skipped because the run has no feature file
 *   }
 *
 * Methods: the CAM registry (cams/index.ts: gradcam, gradcampp, hirescam, layercam, scorecam,
 * intgrad, igradcam) and the SHAP registry (shap/index.ts: kernelshap, permshap, shapcam, partition); the
 * alias 'shap' means kernelshap+shapcam. The default is the fast set gradcam, gradcampp, igradcam,
 * kernelshap (512 coalitions), shapcam.
 */
import { noGrad, Tensor, tidy } from '../engine/index.js';
import {
  meanOverViews,
  viewsOf,
  type Box,
  type PreparedImage,
  type TtaName,
  type TtaView,
} from '../data/index.js';
import { hasCircuit, headProbs, splitHead, type HeadExport } from '../heads/index.js';
import { type OpenRun } from '../run/index.js';
import { auditCase, localize, type AuditThresholds, type CaseAudit, type MapLocalization } from './audit.js';
import { loadBackground } from './background.js';
import {
  activations,
  checkLayer,
  checkTargetClass,
  checkInput,
  DEFAULT_LAYER,
  type Activations,
} from './cam-base.js';
import {
  CAM_METHODS,
  DEFAULT_CAM_OPTIONS,
  type CamContext,
  type CamMap,
  type CamOptions,
} from './cams/index.js';
import { circuitInputShap } from './circuit-shap.js';
import { explainHeads, disposeHeads, type ExplainHead } from './explain-heads.js';
import { DEFAULT_FAITHFULNESS, faithfulness } from './faithfulness.js';
import { localizationCap, type LocalizationCap } from './localization-cap.js';
import { MaskedHead } from './masked-head.js';
import { overlayPng } from './overlay.js';
import { SHAP_EXPLAINERS, type FeatureShapExplainer, type ShapOptions } from './shap/index.js';
import type { ShapResult } from './shap-result.js';

/** Every method name, in registry order (CAMs, then SHAP explainers). */
export const METHODS: readonly string[] = [
  ...CAM_METHODS.map((m) => m.name),
  ...SHAP_EXPLAINERS.map((e) => e.name),
];
export type Method = string;
/**
 * The default set. Integrated Grad-CAM joined it by measurement (BENCHMARKS.md, issue #18): on the
 * real test split it has no empty map on any model where Grad-CAM empties 15.7 % of the hybrid's,
 * and it passes the randomisation check.
 */
export const FAST_METHODS: Method[] = ['gradcam', 'gradcampp', 'igradcam', 'kernelshap', 'shapcam'];
/** The labels of every map-producing method (CAMs and spatial SHAP), by name. */
export const MAP_LABELS: Readonly<Record<string, string>> = Object.fromEntries([
  ...CAM_METHODS.map((m) => [m.name, m.label]),
  ...SHAP_EXPLAINERS.filter((e) => e.kind === 'spatial').map((e) => [e.name, e.label]),
]);
/** Pointing-game tolerance at the original image's scale (pixels), as in the literature. */
export const DEFAULT_TOLERANCE_PX = 15;

export interface AnalyzeOptions extends Partial<Omit<CamOptions, 'layer'>> {
  methods?: string[];
  layer?: string;
  targetClass?: number;
  /** Kernel SHAP coalitions (default 512 here; explainRun passes its own) */
  shapSamples?: number;
  backgroundSize?: number;
  /** Partition SHAP budget and grid */
  partitionEvals?: number;
  partitionGrid?: number;
  thresholds?: AuditThresholds;
  /** pointing-game tolerance in pixels of the original image (default 15) */
  tolerancePx?: number;
  /** skip PNG rendering (maps only) */
  png?: boolean;
  seed?: number;
  /** deletion / insertion curve points per map (faithfulness.ts); 0 or absent: not measured */
  faithfulnessSteps?: number;
  /**
   * test-time augmentation: each head's probabilities from the pooled features averaged over these
   * views, as its features were; maps and SHAP explain the image as it is. Absent: the run's own
   * backbone.tta (open.tta); null: off
   */
  tta?: readonly TtaView[] | null;
}

export interface MapResult {
  map: Float32Array;
  /** the map's own cells (h×w, after the ReLU, before upsampling) */
  raw: Float64Array;
  h: number;
  w: number;
  png?: Buffer;
  /** milliseconds to compute it */
  ms: number;
}
export interface ModelCase {
  name: ExplainHead['name'];
  source: string;
  probs: number[];
  predicted: number;
  maps: Record<string, MapResult>;
  /** every map's localisation against the image's box */
  localization: Record<string, MapLocalization>;
  shap?: {
    method: 'kernel' | 'permutation';
    base: number;
    fx: number;
    additivityError: number;
    evaluations: number;
    phi: Float64Array;
    top: { feature: number; phi: number; value: number }[];
    stdErr?: Float64Array;
    /** mean per-feature standard error of φ (sampled estimators that can estimate it) */
    meanStdErr?: number;
  };
  /** the second estimator when both Kernel and Permutation SHAP were asked for (shap is Kernel's) */
  shapCheck?: {
    method: 'permutation';
    additivityError: number;
    evaluations: number;
    meanStdErr: number | null;
    /** cosine between its φ and Kernel SHAP's: how far the two sampled estimates agree */
    cosineWithKernel: number;
    top: { feature: number; phi: number; value: number }[];
  };
  circuitShap?: { phi: number[]; base: number; fx: number; additivityError: number };
  partition?: { grid: number; additivityError: number; evaluations: number };
  audit?: CaseAudit;
  /** deletion / insertion AUCs of every map (null: empty map), when asked for */
  faithfulness?: Record<string, { deletionAuc: number; insertionAuc: number } | null>;
}

/**
 * A model's SHAP result as JSON: the headline figures (method, base, f(x), additivity, top features);
 * `full` adds the evaluations and mean standard error (audit.json and `--json` keep them, the viewer not).
 */
export function shapJson(s: NonNullable<ModelCase['shap']>, full: boolean) {
  const { method, base, fx, additivityError, top } = s;
  return full
    ? { method, base, fx, additivityError, evaluations: s.evaluations, meanStdErr: s.meanStdErr ?? null, top }
    : { method, base, fx, additivityError, top };
}

export interface CaseAnalysis {
  source: string;
  size: number;
  classes: string[];
  layer: string;
  targetClass: number;
  box: Box | null;
  models: ModelCase[];
  features: Float32Array;
  agree: boolean;
  headsAgree: boolean;
  notes: string[];
}

/** Expands aliases and rejects unknown method names. */
export function resolveMethods(methods: string[] | undefined): Method[] {
  if (!methods || methods.length === 0) return [...FAST_METHODS];
  const out = new Set<Method>();
  for (const m of methods) {
    const k = m.trim().toLowerCase();
    if (k === 'shap') ['kernelshap', 'shapcam'].forEach((x) => out.add(x));
    else if (METHODS.includes(k)) out.add(k);
    else throw new RangeError(`unknown explanation method '${m}'; valid: ${METHODS.join(', ')}, shap`);
  }
  // spatial explainers that project feature attributions need a features explainer
  const needsPhi = SHAP_EXPLAINERS.some((e) => e.kind === 'spatial' && e.needsPhi && out.has(e.name));
  if (needsPhi && !SHAP_EXPLAINERS.some((e) => e.kind === 'features' && out.has(e.name)))
    out.add('kernelshap');
  return METHODS.filter((m) => out.has(m));
}

function meanFinite(v: Float64Array): number | undefined {
  let s = 0;
  let n = 0;
  for (const x of v)
    if (Number.isFinite(x)) {
      s += x;
      n++;
    }
  return n ? s / n : undefined;
}

function cosine(a: Float64Array, b: Float64Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

function topFeatures(phi: Float64Array, x: Float32Array, k = 10) {
  return Array.from(phi, (v, i) => i)
    .sort((a, b) => Math.abs(phi[b]) - Math.abs(phi[a]))
    .slice(0, k)
    .map((i) => ({ feature: i, phi: phi[i], value: x[i] }));
}

/** Validates everything cheap before any long work. */
export function checkCase(open: OpenRun, img: PreparedImage, opts: AnalyzeOptions): Method[] {
  const methods = resolveMethods(opts.methods);
  checkLayer(open.net, opts.layer ?? DEFAULT_LAYER);
  if (img.size !== open.arch.preprocess.size)
    throw new RangeError(
      `${img.source}: image preprocessed to ${img.size} px but the backbone expects ${open.arch.preprocess.size} px`,
    );
  checkInput(img.input, img.size);
  if (opts.targetClass !== undefined) checkTargetClass(opts.targetClass, open.arch.classes.length);
  if (methods.includes('layercam')) for (const l of camOptions(opts).layerCamLayers) checkLayer(open.net, l);
  if (opts.tolerancePx !== undefined && !(opts.tolerancePx >= 0))
    throw new RangeError(`tolerancePx must be ≥ 0, got ${opts.tolerancePx}`);
  return methods;
}

export async function analyzeCase(
  open: OpenRun,
  img: PreparedImage,
  opts: AnalyzeOptions = {},
): Promise<CaseAnalysis> {
  const methods = checkCase(open, img, opts);
  const heads = explainHeads(open);
  try {
    return await analyzeWithHeads(open, heads, img, methods, opts);
  } finally {
    disposeHeads(heads);
  }
}

export function camOptions(opts: AnalyzeOptions): CamOptions {
  return {
    layer: opts.layer ?? DEFAULT_LAYER,
    layerCamLayers: opts.layerCamLayers ?? DEFAULT_CAM_OPTIONS.layerCamLayers,
    scoreCamBatch: opts.scoreCamBatch ?? DEFAULT_CAM_OPTIONS.scoreCamBatch,
    igSteps: opts.igSteps ?? DEFAULT_CAM_OPTIONS.igSteps,
    pathSteps: opts.pathSteps ?? DEFAULT_CAM_OPTIONS.pathSteps,
  };
}

function shapOptions(opts: AnalyzeOptions): ShapOptions {
  return {
    shapSamples: opts.shapSamples ?? 512,
    permutations: 1,
    partitionGrid: opts.partitionGrid ?? 8,
    partitionEvals: opts.partitionEvals ?? 200,
    seed: opts.seed ?? 0,
  };
}

/** What every head of one image shares: methods, background, options, PNG rendering, caps. */
interface CaseSetup {
  open: OpenRun;
  img: PreparedImage;
  methods: Method[];
  bg: ReturnType<typeof loadBackground> | null;
  notes: string[];
  cam: CamOptions;
  shap: ShapOptions;
  thresholds?: AuditThresholds;
  /** pointing tolerance in box units (null when the original image size is unknown) */
  tolerance: number | null;
  caps: Map<string, LocalizationCap | null>;
  faithfulnessSteps: number;
  /** the pooled features averaged over the test-time augmentation views (opts.tta, else open.tta), or null */
  ttaPooled: Float32Array | null;
  png(map: Float32Array, title: string): Promise<Buffer | undefined>;
}

function setupCase(
  open: OpenRun,
  heads: ExplainHead[],
  img: PreparedImage,
  methods: Method[],
  opts: AnalyzeOptions,
): CaseSetup {
  const notes: string[] = [];
  const wantFeatureShap = SHAP_EXPLAINERS.some((e) => e.kind === 'features' && methods.includes(e.name));
  let bg: ReturnType<typeof loadBackground> | null = null;
  if (wantFeatureShap) {
    try {
      bg = loadBackground(open.dir, opts.backgroundSize ?? 50, opts.seed ?? 0);
    } catch (err) {
      notes.push(`SHAP skipped: ${(err as Error).message}`);
    }
  }
  // a background of the wrong width is an error before any forward pass
  if (bg)
    for (const h of heads)
      if (bg.dim !== h.head.inDim)
        throw new RangeError(
          `SHAP background ${bg.source} has ${bg.dim} features, the ${h.source} head expects ${h.head.inDim}`,
        );
  const S = img.size;
  const tolPx = opts.tolerancePx ?? DEFAULT_TOLERANCE_PX;
  const tta = opts.tta === undefined ? viewsOf(open.tta as TtaName[]) : opts.tta;
  if (tta)
    notes.push(
      `head probabilities averaged over the test-time augmentation views ${tta.map((v) => v.name).join(' + ')}; the maps and SHAP explain the image as it is`,
    );
  const wantPng = opts.png ?? true;
  return {
    open,
    img,
    methods,
    bg,
    notes,
    cam: camOptions(opts),
    shap: shapOptions(opts),
    thresholds: opts.thresholds,
    tolerance: img.sourceSide ? tolPx / img.sourceSide : null,
    caps: new Map(),
    faithfulnessSteps: opts.faithfulnessSteps ?? 0,
    ttaPooled: tta ? meanOverViews(img.input, 1, [3, S, S], tta, (v) => pooledOf(open, v, 1, S)) : null,
    png: async (map, title) =>
      wantPng ? await overlayPng(img.display, map, S, { title, box: img.box }) : undefined,
  };
}

/** Stores a map with its localisation (the perfect-map cap is computed once per resolution). */
async function addMap(setup: CaseSetup, mc: ModelCase, name: string, m: CamMap, ms: number): Promise<void> {
  const { img } = setup;
  const key = `${m.h}x${m.w}`;
  if (!setup.caps.has(key))
    setup.caps.set(key, img.box ? localizationCap(m.h, m.w, img.size, img.box, setup.tolerance) : null);
  mc.maps[name] = {
    map: m.map,
    raw: m.raw,
    h: m.h,
    w: m.w,
    png: await setup.png(m.map, MAP_LABELS[name] ?? name),
    ms,
  };
  mc.localization[name] = localize(m.map, img.size, img.box, {
    grid: m,
    tolerance: setup.tolerance,
    cap: setup.caps.get(key),
  });
}

/** Softmax probabilities of B images through backbone + this head (no gradients). */
function probsOf(open: OpenRun, h: ExplainHead, S: number) {
  const logits = logitsOf(open, h, S);
  return (images: Float32Array, B: number) => {
    const z = logits(images, B);
    const C = z.length / B;
    const out = new Float32Array(z.length);
    for (let b = 0; b < B; b++) {
      let mx = -Infinity;
      for (let c = 0; c < C; c++) mx = Math.max(mx, z[b * C + c]);
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(z[b * C + c] - mx);
      for (let c = 0; c < C; c++) out[b * C + c] = Math.exp(z[b * C + c] - mx) / sum;
    }
    return out;
  };
}

/** Deletion and insertion AUCs of every map of one head (faithfulness.ts). */
function mapFaithfulness(setup: CaseSetup, h: ExplainHead, cls: number, mc: ModelCase, steps: number): void {
  const { open, img } = setup;
  const probs = probsOf(open, h, img.size);
  mc.faithfulness = {};
  for (const [name, m] of Object.entries(mc.maps)) {
    const f = faithfulness(m.map, img.input, img.size, cls, probs, { ...DEFAULT_FAITHFULNESS, steps });
    mc.faithfulness[name] = f ? { deletionAuc: f.deletionAuc, insertionAuc: f.insertionAuc } : null;
  }
}

/** Logits of B images through backbone + this head (no gradients). */
function logitsOf(open: OpenRun, h: ExplainHead, S: number) {
  return (images: Float32Array, B: number) =>
    tidy(() =>
      noGrad(() => h.module.forward(open.net.embed(Tensor.from(images, [B, 3, S, S]))).toFloat32Array()),
    );
}

/** Every requested CAM method of one head, sharing the gradient pass per layer. */
async function camMaps(setup: CaseSetup, h: ExplainHead, a: Activations, mc: ModelCase): Promise<void> {
  const { open, img } = setup;
  const S = img.size;
  const cls = a.targetClass;
  // every layer the first pass captured (the requested methods' layers) is served from it
  const cache = new Map<string, Activations>([...a.captured].map(([l, c]) => [l, { ...a, ...c }]));
  cache.set(a.layer, a);
  const ctx: CamContext = {
    net: open.net,
    head: h.module,
    input: img.input,
    size: S,
    targetClass: cls,
    classes: h.head.classes,
    options: setup.cam,
    grads: (layer) => {
      if (!cache.has(layer))
        cache.set(
          layer,
          activations(open.net, h.module, img.input, S, { layer, targetClass: cls, classes: h.head.classes }),
        );
      return cache.get(layer)!;
    },
    logits: logitsOf(open, h, S),
  };
  for (const m of CAM_METHODS) {
    if (!setup.methods.includes(m.name)) continue;
    const t0 = performance.now();
    const r = m.compute(ctx);
    await addMap(setup, mc, m.name, r, performance.now() - t0);
  }
}

/** The features explainers (the first asked for is the result, a second one its check). */
function featureShap(
  setup: CaseSetup,
  h: ExplainHead,
  a: Activations,
  cls: number,
  mc: ModelCase,
): Float64Array | null {
  const bg = setup.bg;
  const asked = SHAP_EXPLAINERS.filter(
    (e): e is FeatureShapExplainer => e.kind === 'features' && setup.methods.includes(e.name),
  );
  if (!bg || !asked.length) return null;
  const mh = new MaskedHead(splitHead(h.head), a.final.pooled, bg.rows);
  const results = asked.map((e) => e.explain(mh, setup.shap));
  const r: ShapResult = results[0];
  const d = r.players;
  const phi = r.phi.slice(cls * d, (cls + 1) * d);
  const stdErr = r.stdErr?.slice(cls * d, (cls + 1) * d);
  mc.shap = {
    method: r.method === 'kernel' ? 'kernel' : 'permutation',
    base: r.base[cls],
    fx: r.fx[cls],
    additivityError: r.additivityError,
    evaluations: r.evaluations,
    phi,
    top: topFeatures(phi, a.final.pooled),
    stdErr,
    meanStdErr: stdErr ? meanFinite(stdErr) : undefined,
  };
  const perm = results[1];
  if (perm) {
    const pphi = perm.phi.slice(cls * d, (cls + 1) * d);
    const pse = perm.stdErr?.slice(cls * d, (cls + 1) * d);
    mc.shapCheck = {
      method: 'permutation',
      additivityError: perm.additivityError,
      evaluations: perm.evaluations,
      meanStdErr: (pse && meanFinite(pse)) ?? null,
      cosineWithKernel: cosine(phi, pphi),
      top: topFeatures(pphi, a.final.pooled),
    };
  }
  if (hasCircuit(h.head.kind)) circuitShapOf(h.head, a.final.pooled, bg.rows, cls, mc);
  return phi;
}

function circuitShapOf(
  head: HeadExport,
  pooled: Float32Array,
  rows: Parameters<typeof circuitInputShap>[2],
  cls: number,
  mc: ModelCase,
): void {
  const c = circuitInputShap(head, pooled, rows);
  mc.circuitShap = {
    phi: Array.from(c.phi.subarray(cls * c.players, (cls + 1) * c.players)),
    base: c.base[cls],
    fx: c.fx[cls],
    additivityError: c.additivityError,
  };
}

/** The spatial SHAP explainers (SHAP-CAM from φ, Partition SHAP over the image). */
async function spatialShap(
  setup: CaseSetup,
  h: ExplainHead,
  a: Activations,
  cls: number,
  phi: Float64Array | null,
  mc: ModelCase,
): Promise<void> {
  const { open, img } = setup;
  const S = img.size;
  for (const e of SHAP_EXPLAINERS) {
    if (e.kind !== 'spatial' || !setup.methods.includes(e.name) || (e.needsPhi && !phi)) continue;
    const t0 = performance.now();
    const r = e.map({
      input: img.input,
      size: S,
      targetClass: cls,
      final: a.final,
      phi,
      probs: (images, B) => headProbs(h.head, pooledOf(open, images, B, S)),
      options: setup.shap,
    });
    await addMap(setup, mc, e.name, r, performance.now() - t0);
    if (e.name === 'partition' && r.detail)
      mc.partition = {
        grid: r.detail.grid,
        additivityError: r.detail.additivityError,
        evaluations: r.detail.evaluations,
      };
  }
}

/** Pooled backbone features of B images (no gradients). */
function pooledOf(open: OpenRun, images: Float32Array, B: number, S: number): Float32Array {
  return tidy(() => noGrad(() => open.net.embed(Tensor.from(images, [B, 3, S, S])).toFloat32Array()));
}

/** The layers the requested CAM methods read besides the main one, captured in its gradient pass. */
const camLayers = (setup: CaseSetup): string[] =>
  CAM_METHODS.filter((m) => setup.methods.includes(m.name)).flatMap((m) => m.layers?.(setup.cam) ?? []);

/** One explained model: prediction, maps, SHAP, audit. `target` undefined: this head's prediction. */
async function analyzeHead(
  setup: CaseSetup,
  h: ExplainHead,
  target: number | undefined,
): Promise<{ mc: ModelCase; features: Float32Array }> {
  const { open, img } = setup;
  const S = img.size;
  const layer = setup.cam.layer;
  const layers = camLayers(setup);
  const a = activations(open.net, h.module, img.input, S, {
    layer,
    layers,
    targetClass: target,
    classes: h.head.classes,
  });
  const probs = Array.from(headProbs(h.head, setup.ttaPooled ?? a.final.pooled));
  let predicted = 0;
  for (let c = 1; c < probs.length; c++) if (probs[c] > probs[predicted]) predicted = c;
  // the maps explain the requested class, which is this head's prediction for the first model
  const cls = target ?? predicted;
  const a2 =
    a.targetClass === cls
      ? a
      : activations(open.net, h.module, img.input, S, {
          layer,
          layers,
          targetClass: cls,
          classes: h.head.classes,
        });
  const mc: ModelCase = { name: h.name, source: h.source, probs, predicted, maps: {}, localization: {} };
  await camMaps(setup, h, a2, mc);
  const phi = featureShap(setup, h, a, cls, mc);
  await spatialShap(setup, h, a, cls, phi, mc);
  if (mc.maps.gradcam && mc.maps.shapcam)
    mc.audit = auditCase(mc.maps.gradcam.map, mc.maps.shapcam.map, S, img.box, setup.thresholds, {
      gradcam: mc.localization.gradcam,
      shap: mc.localization.shapcam,
    });
  if (setup.faithfulnessSteps > 0) mapFaithfulness(setup, h, cls, mc, setup.faithfulnessSteps);
  return { mc, features: a.final.pooled };
}

export async function analyzeWithHeads(
  open: OpenRun,
  heads: ExplainHead[],
  img: PreparedImage,
  methods: Method[],
  opts: AnalyzeOptions,
): Promise<CaseAnalysis> {
  const setup = setupCase(open, heads, img, methods, opts);
  // the classical model decides the explained class unless one is given
  let target = opts.targetClass;
  const models: ModelCase[] = [];
  let features: Float32Array = new Float32Array(0);
  for (const h of heads) {
    const r = await analyzeHead(setup, h, target);
    if (target === undefined) target = r.mc.predicted;
    features = r.features;
    models.push(r.mc);
  }
  return {
    source: img.source,
    size: img.size,
    classes: open.arch.classes,
    layer: setup.cam.layer,
    targetClass: target ?? 0,
    box: img.box,
    models,
    features,
    agree: models.every((m) => !m.audit || m.audit.flags.length === 0),
    headsAgree: models.every((m) => m.predicted === models[0].predicted),
    notes: setup.notes,
  };
}
