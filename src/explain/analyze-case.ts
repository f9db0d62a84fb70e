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
 *       probs: number[], predicted: number,
 *       maps: { gradcam?, gradcampp?, shapcam?, partition? }  // each { map: Float32Array S×S in
 *                                                              // [0,1], png: Buffer (overlay) }
 *       shap?: { method: 'kernel' | 'permutation', base, fx, additivityError, evaluations,
 *                phi: Float64Array (target class, one per pooled feature),
 *                top: { feature, phi, value }[],           // largest |φ| first
 *                meanStdErr? }                             // permutation: mean standard error
 *       shapCheck?: { method: 'permutation', cosineWithKernel, meanStdErr, … }  // both asked for
 *       circuitShap?: { phi: number[] (per qubit), additivityError }   // hybrid model only
 *       partition?: { grid, additivityError, evaluations }
 *       audit?: CaseAudit                                   // Grad-CAM vs SHAP-CAM (audit.ts)
 *     },
 *     features: Float32Array, // the image's pooled backbone features
 *     agree: boolean,        // no model's audit raised a flag
 *     headsAgree: boolean,   // all models predict the same class
 *     notes: string[],       // e.g. SHAP skipped because the run has no feature file
 *   }
 *
 * Methods: gradcam, gradcampp, kernelshap, permshap, shapcam, partition (aliases: 'gradcam' in the
 * config schema means gradcam+gradcampp, 'shap' means kernelshap+shapcam). The default is the fast
 * set gradcam, gradcampp, kernelshap (512 coalitions), shapcam.
 */
import { noGrad, Tensor, tidy } from '../engine/index.js';
import type { Box, PreparedImage } from '../data/index.js';
import { hasCircuit, headProbs, splitHead } from '../heads/index.js';
import { type OpenRun } from '../run/index.js';
import { auditCase, type AuditThresholds, type CaseAudit } from './audit.js';
import { loadBackground } from './background.js';
import { activations, checkLayer, checkTargetClass, checkInput, DEFAULT_LAYER } from './cam-base.js';
import { circuitInputShap } from './circuit-shap.js';
import { explainHeads, disposeHeads, type ExplainHead } from './explain-heads.js';
import { gradCam } from './gradcam.js';
import { gradCamPlusPlus } from './gradcampp.js';
import { kernelShap } from './kernel-shap.js';
import { MaskedHead } from './masked-head.js';
import { overlayPng } from './overlay.js';
import { cellsToImage, partitionShap } from './partition-shap.js';
import { permutationShap } from './permutation-shap.js';
import { shapCam } from './shap-cam.js';
import { normalize01 } from './cam-base.js';
import type { ShapResult } from './shap-result.js';

export const METHODS = ['gradcam', 'gradcampp', 'kernelshap', 'permshap', 'shapcam', 'partition'] as const;
export type Method = (typeof METHODS)[number];
export const FAST_METHODS: Method[] = ['gradcam', 'gradcampp', 'kernelshap', 'shapcam'];

export interface AnalyzeOptions {
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
  /** skip PNG rendering (maps only) */
  png?: boolean;
  seed?: number;
}

export interface MapResult {
  map: Float32Array;
  png?: Buffer;
}

export interface ModelCase {
  name: ExplainHead['name'];
  source: string;
  probs: number[];
  predicted: number;
  maps: Partial<Record<'gradcam' | 'gradcampp' | 'shapcam' | 'partition', MapResult>>;
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
    if (k === 'shap') ['kernelshap', 'shapcam'].forEach((x) => out.add(x as Method));
    else if (k === 'gradcam') out.add('gradcam');
    else if ((METHODS as readonly string[]).includes(k)) out.add(k as Method);
    else throw new RangeError(`unknown explanation method '${m}'; valid: ${METHODS.join(', ')}, shap`);
  }
  // SHAP-CAM needs feature attributions
  if (out.has('shapcam') && !out.has('kernelshap') && !out.has('permshap')) out.add('kernelshap');
  return [...out];
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

export async function analyzeWithHeads(
  open: OpenRun,
  heads: ExplainHead[],
  img: PreparedImage,
  methods: Method[],
  opts: AnalyzeOptions,
): Promise<CaseAnalysis> {
  const S = img.size;
  const layer = opts.layer ?? DEFAULT_LAYER;
  const wantPng = opts.png ?? true;
  const notes: string[] = [];
  const has = (m: Method) => methods.includes(m);
  const wantShap = has('kernelshap') || has('permshap');
  let bg: ReturnType<typeof loadBackground> | null = null;
  if (wantShap || has('partition')) {
    try {
      bg = loadBackground(open.dir, opts.backgroundSize ?? 50, opts.seed ?? 0);
    } catch (err) {
      if (wantShap) notes.push(`SHAP skipped: ${(err as Error).message}`);
    }
  }
  // a background of the wrong width is an error before any forward pass
  if (wantShap && bg)
    for (const h of heads)
      if (bg.dim !== h.head.inDim)
        throw new RangeError(
          `SHAP background ${bg.source} has ${bg.dim} features, the ${h.source} head expects ${h.head.inDim}`,
        );
  // the classical model decides the explained class unless one is given
  let target = opts.targetClass;
  const models: ModelCase[] = [];
  let features: Float32Array = new Float32Array(0);
  const png = async (map: Float32Array, title: string) =>
    wantPng ? await overlayPng(img.display, map, S, { title }) : undefined;
  for (const h of heads) {
    const a = activations(open.net, h.module, img.input, S, {
      layer,
      targetClass: target,
      classes: h.head.classes,
    });
    features = a.final.pooled;
    const probs = Array.from(headProbs(h.head, a.final.pooled));
    let predicted = 0;
    for (let c = 1; c < probs.length; c++) if (probs[c] > probs[predicted]) predicted = c;
    if (target === undefined) target = predicted;
    // Grad-CAM explains the requested class, which is this head's prediction for the first model
    const cls = target;
    const a2 =
      a.targetClass === cls
        ? a
        : activations(open.net, h.module, img.input, S, { layer, targetClass: cls, classes: h.head.classes });
    const mc: ModelCase = { name: h.name, source: h.source, probs, predicted, maps: {} };
    if (has('gradcam')) {
      const m = gradCam(a2, S).map;
      mc.maps.gradcam = { map: m, png: await png(m, 'Grad-CAM') };
    }
    if (has('gradcampp')) {
      const m = gradCamPlusPlus(a2, S).map;
      mc.maps.gradcampp = { map: m, png: await png(m, 'Grad-CAM++') };
    }
    if (wantShap && bg) {
      const mh = new MaskedHead(splitHead(h.head), a.final.pooled, bg.rows);
      const perm = has('permshap') ? permutationShap(mh, { permutations: 1, seed: opts.seed ?? 0 }) : null;
      const r: ShapResult = has('kernelshap')
        ? kernelShap(mh, { nsamples: opts.shapSamples ?? 512, seed: opts.seed ?? 0 })
        : perm!;
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
      if (perm && perm !== r) {
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
      if (has('shapcam')) {
        const m = shapCam(a.final, phi, S).map;
        mc.maps.shapcam = { map: m, png: await png(m, 'SHAP-CAM') };
      }
      if (hasCircuit(h.head.kind)) {
        const c = circuitInputShap(h.head, a.final.pooled, bg.rows);
        mc.circuitShap = {
          phi: Array.from(c.phi.subarray(cls * c.players, (cls + 1) * c.players)),
          base: c.base[cls],
          fx: c.fx[cls],
          additivityError: c.additivityError,
        };
      }
    }
    if (has('partition')) {
      const model = (images: Float32Array, B: number) => {
        const pooled = tidy(() =>
          noGrad(() => open.net.embed(Tensor.from(images, [B, 3, S, S])).toFloat32Array()),
        );
        return headProbs(h.head, pooled);
      };
      const r = partitionShap(model, img.input, S, {
        grid: opts.partitionGrid ?? 8,
        maxEvals: opts.partitionEvals ?? 200,
      });
      const m = normalize01(Float32Array.from(cellsToImage(r.phi, r.grid, S, cls)));
      mc.maps.partition = { map: m, png: await png(m, 'Partition') };
      mc.partition = { grid: r.grid, additivityError: r.additivityError, evaluations: r.evaluations };
    }
    if (mc.maps.gradcam && mc.maps.shapcam)
      mc.audit = auditCase(mc.maps.gradcam.map, mc.maps.shapcam.map, S, img.box, opts.thresholds);
    models.push(mc);
  }
  return {
    source: img.source,
    size: S,
    classes: open.arch.classes,
    layer,
    targetClass: target ?? 0,
    box: img.box,
    models,
    features,
    agree: models.every((m) => !m.audit || m.audit.flags.length === 0),
    headsAgree: models.every((m) => m.predicted === models[0].predicted),
    notes,
  };
}
