/**
 * The viewer's model side: one opened run, the case store and the model queue. Uploads are decoded
 * by the guard in decode.ts and preprocessed by src/data exactly as in training; explanations
 * (Grad-CAM / Grad-CAM++ through each head, SHAP, SHAP-CAM, the Grad-CAM/SHAP audit) come from
 * src/explain's analyzeCase. Every call that touches libtorch goes through the queue; plain-array
 * heads and the density-matrix simulator run in TypeScript.
 */
import { readFileSync } from 'node:fs';
import { Tensor, noGrad, tidy } from '../engine/index.js';
import {
  BUILTIN_PROFILES,
  dressedAngles,
  dressedCircuit,
  dressedReadout,
  drawSvg,
  evaluateNoisy,
  loadProfile,
  profileToNoiseModel,
} from '../quantum/index.js';
import { DEFAULT_PREPROCESS, prepareRaster, type PreprocessConfig } from '../data/index.js';
import {
  analyzeCase,
  MAP_LABELS,
  METHODS,
  resolveMethods,
  shapJson,
  type CaseAnalysis,
} from '../explain/index.js';
import { circuitParams, headProbs, circuitKind } from '../heads/index.js';
import { openRun, type OpenRun } from '../run/index.js';
import { CaseStore, type Case } from './cases.js';
import { decodeUpload, type DecodeLimits } from './decode.js';
import { HttpError } from './errors.js';
import { buildGallery, type Gallery } from './gallery.js';
import { grayPng, heatPng } from './png.js';
import { ModelQueue } from './queue.js';

export interface HeadPrediction {
  kind: string;
  seed: number | null;
  probs: number[];
  predicted: number;
}

export interface CaseView {
  id: string;
  label: string;
  kind: string;
  slices: number;
  slice: number;
  size: number;
  image: string;
  /** the backbone's own linear classifier (the one Grad-CAM explains) */
  backbone: HeadPrediction;
  predictions: HeadPrediction[];
  /** whether every head predicts the same class */
  headsAgree: boolean;
}

const argmax = (p: ArrayLike<number>) => {
  let b = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[b]) b = i;
  return b;
};
const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;
export const MAX_SHOTS = 1_000_000;
const MAX_NOISY_QUBITS = 8;

export class Viewer {
  readonly cases: CaseStore;
  private gallery: Gallery | null = null;

  constructor(
    readonly open: OpenRun,
    readonly limits: DecodeLimits,
    readonly queue = new ModelQueue(),
    maxCases = 32,
  ) {
    this.cases = new CaseStore(maxCases);
  }

  static fromRun(run: string, limits: DecodeLimits, maxCases?: number): Viewer {
    return new Viewer(openRun(run), limits, new ModelQueue(), maxCases);
  }

  dispose(): void {
    this.open.net.dispose();
  }

  get size(): number {
    return this.open.arch.preprocess.size;
  }

  /** the run's preprocessing (arch.json), completed with the defaults for older runs */
  get preprocess(): PreprocessConfig {
    return { ...DEFAULT_PREPROCESS, ...this.open.arch.preprocess } as PreprocessConfig;
  }

  info() {
    const q = this.open.heads.get(circuitKind());
    return {
      classes: this.open.arch.classes,
      size: this.size,
      heads: [...this.open.heads].map(([kind, h]) => ({ kind, seed: h.seed })),
      layers: this.open.net.layerNames(),
      defaultLayer: 'features',
      methods: METHODS,
      profiles: [...BUILTIN_PROFILES],
      quantum: q ? { qubits: circuitParams(q.head).nQubits, noisyAvailable: true } : null,
      maxShots: MAX_SHOTS,
      limits: this.limits,
    };
  }

  private predictions(pooled: Float32Array): HeadPrediction[] {
    const out: HeadPrediction[] = [];
    for (const [kind, { seed, head }] of this.open.heads) {
      const p = Array.from(headProbs(head, pooled));
      out.push({ kind, seed, probs: p, predicted: argmax(p) });
    }
    return out;
  }

  private async makeCase(
    buf: Uint8Array,
    name: string,
    slice: number | undefined,
    deadline: number,
    galleryIndex?: number,
  ): Promise<Case> {
    const dec = await decodeUpload(buf, name, this.limits, { slice });
    const label = dec.kind === 'dicom' ? 'DICOM upload' : name;
    const image = await prepareRaster(dec.raster, this.preprocess, label);
    const S = image.size;
    const { pooled, backbone } = await this.queue.run(
      () =>
        tidy(() =>
          noGrad(() => {
            const r = this.open.net.forwardAll(Tensor.from(image.input, [1, 3, S, S]));
            return { pooled: r.pooled.toFloat32Array(), backbone: r.logits.softmax(1).toFloat32Array() };
          }),
        ),
      deadline,
    );
    return {
      id: '',
      label,
      kind: dec.kind,
      slices: dec.slices,
      slice: dec.slice,
      image,
      pooled,
      backbone: Array.from(backbone),
      volume: dec.kind.startsWith('nifti') ? buf : undefined,
      galleryIndex,
      explained: new Map(),
    };
  }

  private async view(c: Case): Promise<CaseView> {
    const predictions = this.predictions(c.pooled);
    return {
      id: c.id,
      label: c.label,
      kind: c.kind,
      slices: c.slices,
      slice: c.slice,
      size: c.image.size,
      image: dataUrl(await grayPng(c.image.display, c.image.size)),
      backbone: { kind: 'backbone', seed: null, probs: c.backbone, predicted: argmax(c.backbone) },
      predictions,
      headsAgree: predictions.every((p) => p.predicted === predictions[0]?.predicted),
    };
  }

  async upload(
    buf: Uint8Array,
    name: string,
    slice: number | undefined,
    deadline: number,
  ): Promise<CaseView> {
    const c = await this.makeCase(buf, name, slice, deadline);
    return this.view(this.cases.add(c));
  }

  private need(id: string): Case {
    const c = this.cases.get(id);
    if (!c) throw new HttpError(404, `case ${id}: not found (cases live in memory; upload again)`);
    return c;
  }

  async setSlice(id: string, slice: number, deadline: number): Promise<CaseView> {
    const c = this.need(id);
    if (c.slices <= 1) throw new HttpError(400, `case ${id}: a ${c.kind} upload has one slice`);
    if (!c.volume)
      throw new HttpError(
        410,
        `case ${id}: the volume was dropped from memory (upload it again to pick a slice)`,
      );
    const next = await this.makeCase(c.volume, c.label, slice, deadline);
    const merged = { ...next, id: c.id };
    this.cases.replace(merged);
    return this.view(merged);
  }

  /**
   * The maps and SHAP of every head (src/explain's registries; default the fast set Grad-CAM,
   * Grad-CAM++, Integrated Grad-CAM, Kernel SHAP, SHAP-CAM; `methods` a comma-separated list), cached per layer, class
   * and methods.
   */
  async explain(id: string, layer: string, target: number | undefined, deadline: number, methods?: string) {
    const c = this.need(id);
    if (!this.open.net.layerNames().includes(layer))
      throw new HttpError(400, `layer: '${layer}' is not one of ${this.open.net.layerNames().join(', ')}`);
    const C = this.open.arch.classes.length;
    if (target !== undefined && !(Number.isInteger(target) && target >= 0 && target < C))
      throw new HttpError(400, `targetClass: must be an integer in 0..${C - 1}`);
    let list: string[] | undefined;
    try {
      list = methods ? resolveMethods(methods.split(',')) : undefined;
    } catch (err) {
      throw new HttpError(400, `methods: ${(err as Error).message}`);
    }
    const key = `${layer}|${target ?? ''}|${list?.join(',') ?? ''}`;
    let a = c.explained.get(key);
    if (!a) {
      a = await this.queue.run(
        () => analyzeCase(this.open, c.image, { layer, targetClass: target, png: false, methods: list }),
        deadline,
      );
      c.explained.set(key, a);
    }
    return this.explainView(a);
  }

  private async explainView(a: CaseAnalysis) {
    const S = a.size;
    const models = [];
    for (const m of a.models) {
      const maps: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.maps)) if (v) maps[k] = dataUrl(await heatPng(v.map, S, a.box));
      models.push({
        name: m.name,
        source: m.source,
        probs: m.probs,
        predicted: m.predicted,
        maps,
        shap: m.shap ? shapJson(m.shap, false) : null,
        circuitShap: m.circuitShap ?? null,
        audit: m.audit
          ? { spearman: m.audit.spearman, iouTop20: m.audit.iouTop20, flags: m.audit.flags }
          : null,
        localization: m.localization,
        mapMs: Object.fromEntries(Object.entries(m.maps).map(([k, v]) => [k, v.ms])),
      });
    }
    return {
      layer: a.layer,
      targetClass: a.targetClass,
      className: a.classes[a.targetClass] ?? String(a.targetClass),
      models,
      box: a.box,
      labels: MAP_LABELS,
      agree: a.agree,
      headsAgree: a.headsAgree,
      notes: a.notes,
    };
  }

  private quantumHead() {
    const q = this.open.heads.get(circuitKind());
    if (!q) throw new HttpError(404, 'this run has no quantum head (RUN/heads/quantum-seed*.json)');
    return circuitParams(q.head);
  }

  quantum(id: string, profile: string, shots: number | undefined, seed: number) {
    const c = this.need(id);
    if (!(BUILTIN_PROFILES as readonly string[]).includes(profile))
      throw new HttpError(400, `profile: '${profile}' is not one of ${BUILTIN_PROFILES.join(', ')}`);
    if (shots !== undefined && !(Number.isInteger(shots) && shots >= 1 && shots <= MAX_SHOTS))
      throw new HttpError(400, `shots: must be an integer in 1..${MAX_SHOTS} (or omitted for exact)`);
    if (!Number.isInteger(seed) || seed < 0) throw new HttpError(400, 'seed: must be a non-negative integer');
    const p = this.quantumHead();
    if (p.nQubits > MAX_NOISY_QUBITS)
      throw new HttpError(
        400,
        `noisy simulation supports up to ${MAX_NOISY_QUBITS} qubits, head has ${p.nQubits}`,
      );
    const angles = dressedAngles(p, c.pooled, 1);
    const noise = profileToNoiseModel(loadProfile(profile));
    const expvals = evaluateNoisy(dressedCircuit(p), angles, p.circuit.weights, { noise, shots, seed }, 1);
    const { probs } = dressedReadout(p, expvals, 1);
    const pr = Array.from(probs);
    return {
      profile,
      shots: shots ?? null,
      seed,
      expvals: Array.from(expvals),
      probs: pr,
      predicted: argmax(pr),
    };
  }

  circuitSvg(id?: string): string {
    const p = this.quantumHead();
    const angles = id ? dressedAngles(p, this.need(id).pooled, 1) : undefined;
    return drawSvg(dressedCircuit(p), p.circuit.weights, angles);
  }

  galleryData(): Gallery {
    return (this.gallery ??= buildGallery(this.open));
  }

  private gallerySource(index: number): string {
    const g = this.galleryData();
    if (!Number.isInteger(index) || index < 0 || index >= g.items.length)
      throw new HttpError(404, `gallery case ${index}: no such case`);
    const src = g.sources[index];
    if (!src) throw new HttpError(404, `gallery case ${index}: its source image is not available`);
    return src;
  }

  async galleryThumb(index: number): Promise<Buffer> {
    const src = this.gallerySource(index);
    const dec = await decodeUpload(readFileSync(src), `gallery case ${index}`, this.limits);
    const img = await prepareRaster(dec.raster, { ...this.preprocess, size: 96 }, `gallery case ${index}`);
    return grayPng(img.display, img.size);
  }

  async openGallery(index: number, deadline: number): Promise<CaseView> {
    const src = this.gallerySource(index);
    const file = this.galleryData().items[index].file;
    const c = await this.makeCase(readFileSync(src), file, undefined, deadline, index);
    return this.view(this.cases.add(c));
  }
}
