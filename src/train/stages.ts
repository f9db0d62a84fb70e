/**
 * The run-folder stages of training: `trainBackbone` (RUN/data/manifest.json → images through the
 * data pipeline → RUN/backbone/*) and `extractFeatures` (trained backbone → RUN/features/<split>).
 * Everything that can be checked without images (config, manifest, classes per split, an existing
 * checkpoint's architecture) is checked before the first image is decoded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Tensor, noGrad, tidy, withRuntime, writeSafetensors } from '../engine/index.js';
import {
  DEFAULT_PREPROCESS,
  augmentPipeline,
  entriesOf,
  loadSplit,
  proxyManifestPath,
  readManifest,
  withTrainLandmarks,
  type ImageSet,
  type Manifest,
  type PreprocessConfig,
  type SplitName,
  type TtaName,
  type TtaView,
  meanOverViews,
  viewsOf,
} from '../data/index.js';
import { DenseNet } from '../nn/index.js';
import type { ProgressSink } from '../util/progress.js';
import { resolveBackboneConfig, resumeSettings, type BackboneConfig } from './backbone-config.js';
import {
  checkClassCoverage,
  trainBackboneOnData,
  type BackboneHooks,
  type BackboneResult,
} from './backbone.js';
import { checkCheckpointFits, loadCheckpoint } from './checkpoint.js';
import type { ArraySet } from './fit.js';
import { loadBackbone, runPaths, saveFeatures } from '../run/index.js';

const SPLITS: SplitName[] = ['train', 'val', 'test'];

/** The preprocessing of a run: RUN/config.json's data.preprocess when present, else the default. */
export function runPreprocess(run: string): PreprocessConfig {
  const p = runPaths(run).config;
  if (!existsSync(p)) return DEFAULT_PREPROCESS;
  let cfg: { data?: { preprocess?: Partial<PreprocessConfig> } };
  try {
    cfg = JSON.parse(readFileSync(p, 'utf8')) as typeof cfg;
  } catch (err) {
    throw new Error(`${p}: not valid JSON (${(err as Error).message})`);
  }
  return { ...DEFAULT_PREPROCESS, ...(cfg.data?.preprocess ?? {}) };
}

/** Classes and per-split labels from the manifest alone (no image read): coverage checked. */
function manifestLabels(m: Manifest): Record<SplitName, ArraySet> {
  const out = {} as Record<SplitName, ArraySet>;
  for (const s of SPLITS)
    out[s] = {
      x: new Float32Array(0),
      y: Int32Array.from(
        m.entries.filter((e) => e.split === s),
        (e) => e.label,
      ),
      shape: [],
    };
  checkClassCoverage({ ...out, classes: m.classes });
  return out;
}

async function loadSplits(
  m: Manifest,
  pre: PreprocessConfig,
  progress: ProgressSink | undefined,
  splits: SplitName[] = SPLITS,
): Promise<Map<SplitName, ImageSet>> {
  const out = new Map<SplitName, ImageSet>();
  for (const s of splits) {
    progress?.start(m.entries.filter((e) => e.split === s).length, `loading ${s} images`);
    out.set(s, await loadSplit(m, s, pre, { onProgress: (done) => progress?.update(done) }));
    progress?.stop();
  }
  return out;
}

/**
 * RUN/data/proxy (src/data/proxy.ts, `qmri data proxy`): the re-prepared test split, when present
 * and made from this manifest's test split (same classes, labels and groups in the same order);
 * a stale one is skipped with a log line.
 */
async function loadProxy(
  run: string,
  m: Manifest,
  pre: PreprocessConfig,
  log?: (line: string) => void,
): Promise<ImageSet | null> {
  const path = proxyManifestPath(run);
  if (!existsSync(path)) return null;
  const proxy = readManifest(path);
  const key = (x: Manifest) =>
    JSON.stringify([x.classes, entriesOf(x, 'test').map((e) => [e.label, e.group, e.box])]);
  if (key(proxy) !== key(m)) {
    log?.(`${path}: made from another test split (prepare it again with 'qmri data proxy'); not evaluated`);
    return null;
  }
  return loadSplit(proxy, 'test', pre);
}

const asArraySet = (s: ImageSet): ArraySet => ({ x: s.x, y: s.y, shape: [3, s.size, s.size] });

export interface TrainBackboneOptions extends BackboneHooks {
  /** overrides RUN/config.json's data.preprocess */
  preprocess?: PreprocessConfig;
}

/** RUN/data/manifest.json → DenseNet trained on the train split → RUN/backbone/* (resumes a checkpoint). */
export async function trainBackbone(
  run: string,
  partial: Partial<BackboneConfig>,
  hooks: TrainBackboneOptions = {},
): Promise<BackboneResult> {
  const cfg = resolveBackboneConfig(partial);
  const p = runPaths(run);
  if (!existsSync(p.manifest))
    throw new Error(`${p.manifest}: no data manifest in this run (prepare the data first)`);
  const m = readManifest(p.manifest);
  manifestLabels(m);
  const ck = loadCheckpoint(p.checkpoint);
  if (ck) {
    const net = new DenseNet({ ...(cfg.densenet ?? {}), numClasses: m.classes.length });
    const dn = { ...net.config, blockConfig: [...net.config.blockConfig] };
    net.dispose();
    checkCheckpointFits(p.checkpoint, ck.state, dn, m.classes, resumeSettings(cfg));
  }
  // histogram standardisation: landmarks from the train split only, saved with the backbone's preprocessing
  const pre = await withTrainLandmarks(m, hooks.preprocess ?? runPreprocess(run));
  const sets = await loadSplits(m, pre, hooks.progress);
  const proxy = await loadProxy(run, m, pre, hooks.log);
  return trainBackboneOnData(
    run,
    {
      // the train split's boxes feed box guidance (backbone.boxGuidance)
      train: { ...asArraySet(sets.get('train')!), boxes: sets.get('train')!.boxes },
      val: asArraySet(sets.get('val')!),
      test: asArraySet(sets.get('test')!),
      ...(proxy ? { proxy: asArraySet(proxy) } : {}),
      classes: m.classes,
      preprocess: { ...pre },
    },
    cfg,
    { ...hooks, augment: hooks.augment ?? augmentPipeline(cfg.augment) },
  );
}

/**
 * Pooled features N×numFeatures of an image set, in batches, eval mode, no grad; with `maps`, also
 * the final feature maps N×numFeatures×h×w (same pass). With test-time augmentation `views`, each
 * image's pooled features are averaged over the views (the maps stay those of the image as it is).
 */
export function embedImages(
  net: DenseNet,
  set: ArraySet,
  batchSize = 32,
  onBatch?: (done: number) => void,
  o: { maps?: boolean; views?: readonly TtaView[] | null } = {},
): { pooled: Float32Array; maps: Float32Array | null; mapShape: number[] } {
  const n = set.y.length;
  const d = set.shape.reduce((a, b) => a * b, 1);
  const pooled = new Float32Array(n * net.numFeatures);
  let maps: Float32Array | null = null;
  let mapShape: number[] = [];
  net.eval();
  for (let s = 0; s < n; s += batchSize) {
    const k = Math.min(batchSize, n - s);
    const x = set.x.subarray(s * d, (s + k) * d);
    if (o.views) {
      const pooledOf = (v: Float32Array) =>
        tidy(() => noGrad(() => net.forwardAll(Tensor.from(v, [k, ...set.shape])).pooled.toFloat32Array()));
      pooled.set(meanOverViews(x, k, set.shape, o.views, pooledOf), s * net.numFeatures);
    }
    tidy(() =>
      noGrad(() => {
        if (o.views && !o.maps) return;
        const r = net.forwardAll(Tensor.from(x, [k, ...set.shape]));
        if (!o.views) pooled.set(r.pooled.toFloat32Array(), s * net.numFeatures);
        if (o.maps) {
          const per = r.featureMap.numel / k;
          mapShape = r.featureMap.shape.slice(1);
          maps ??= new Float32Array(n * per);
          maps.set(r.featureMap.toFloat32Array(), s * per);
        }
      }),
    );
    onBatch?.(s + k);
  }
  return { pooled, maps, mapShape };
}

/** Options of extractFeatures. */
export interface ExtractOptions {
  batchSize?: number;
  /** libtorch threads for the call (restored after it) */
  threads?: number;
  progress?: ProgressSink;
  log?: (line: string) => void;
  /** splits whose final feature maps are stored too (RUN/features/<split>-maps.safetensors) */
  maps?: SplitName[];
  /** test-time augmentation (backbone.tta): the pooled features averaged over these views */
  tta?: readonly TtaName[];
}

/** The trained backbone's pooled features of every split → RUN/features/<split>.safetensors. */
export function extractFeatures(run: string, o: ExtractOptions = {}): Promise<void> {
  return withRuntime({ threads: o.threads }, () => extractWithin(run, o));
}

/** extractFeatures inside its runtime scope. */
async function extractWithin(run: string, o: ExtractOptions): Promise<void> {
  const p = runPaths(run);
  if (!existsSync(p.manifest))
    throw new Error(`${p.manifest}: no data manifest in this run (prepare the data first)`);
  const m = readManifest(p.manifest);
  manifestLabels(m);
  const { net, arch } = loadBackbone(run);
  try {
    if (JSON.stringify(arch.classes) !== JSON.stringify(m.classes))
      throw new Error(
        `${p.arch}: backbone classes [${arch.classes.join(', ')}] differ from the manifest's [${m.classes.join(', ')}]`,
      );
    const pre = { ...DEFAULT_PREPROCESS, ...arch.preprocess } as PreprocessConfig;
    for (const s of SPLITS) {
      const set = (await loadSplits(m, pre, o.progress, [s])).get(s)!;
      const t0 = performance.now();
      o.progress?.start(set.y.length, `features ${s}`);
      const withMaps = !!o.maps?.includes(s);
      const e = embedImages(net, asArraySet(set), o.batchSize ?? 32, (done) => o.progress?.update(done), {
        maps: withMaps,
        views: viewsOf(o.tta),
      });
      o.progress?.stop();
      saveFeatures(p.features(s), { x: e.pooled, y: set.y, dim: net.numFeatures, files: set.files });
      if (withMaps && e.maps)
        writeSafetensors(
          p.featureMaps(s),
          [['maps', { dtype: 'F32', shape: [set.y.length, ...e.mapShape], data: e.maps }]],
          {
            files: JSON.stringify(set.files),
          },
        );
      o.log?.(
        `features ${s}: ${set.y.length} × ${net.numFeatures} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      );
    }
  } finally {
    net.dispose();
  }
}
