/**
 * DenseNet-BC exactly as torchvision builds it (densenet.py): growth 32, blocks 6-12-24-16,
 * bn_size 4, 64 initial features, compression 0.5, no dropout — and the same state_dict keys
 * (`features.denseblock1.denselayer1.norm1.weight`, `features.transition1.conv.weight`,
 * `features.norm5.running_var`, `classifier.bias`, …), so torchvision or timm `densenet121.tv_in1k`
 * weights load from a .safetensors file. The head is pluggable; the default is torchvision's
 * `classifier` Linear(num_features, num_classes).
 */
import {
  Tensor,
  adaptiveAvgPool2d,
  avgPool2d,
  cat,
  maxPool2d,
  readSafetensors,
  withAutocast,
  type StEntry,
} from '../engine/index.js';
import { BatchNorm2d, Conv2d, Linear } from './layers.js';
import { Module } from './module.js';

export interface DenseNetConfig {
  growthRate: number;
  blockConfig: number[];
  numInitFeatures: number;
  bnSize: number;
  numClasses: number;
}

export const DENSENET121: DenseNetConfig = {
  growthRate: 32,
  blockConfig: [6, 12, 24, 16],
  numInitFeatures: 64,
  bnSize: 4,
  numClasses: 1000,
};

/** A head maps pooled features (N×numFeatures) to class scores. */
export interface Head extends Module {
  forward(pooled: Tensor): Tensor;
}

class DenseLayer extends Module {
  readonly norm1: BatchNorm2d;
  readonly conv1: Conv2d;
  readonly norm2: BatchNorm2d;
  readonly conv2: Conv2d;
  constructor(inFeatures: number, growth: number, bnSize: number) {
    super();
    this.norm1 = this.registerModule('norm1', new BatchNorm2d(inFeatures));
    this.conv1 = this.registerModule('conv1', new Conv2d(inFeatures, bnSize * growth, 1));
    this.norm2 = this.registerModule('norm2', new BatchNorm2d(bnSize * growth));
    this.conv2 = this.registerModule('conv2', new Conv2d(bnSize * growth, growth, 3, 1, 1));
  }
  forward(inputs: Tensor[]): Tensor {
    // Intermediates are released as soon as they are consumed (as Python's refcounting does):
    // autograd keeps its own references to what backward needs, so this is safe in training too,
    // and it keeps eval-mode peak memory at torchvision's level.
    const x = inputs.length === 1 ? inputs[0] : cat(inputs, 1);
    const n1 = this.norm1.forward(x);
    if (x !== inputs[0]) x.dispose();
    const r1 = n1.relu_();
    n1.dispose();
    const b = this.conv1.forward(r1);
    r1.dispose();
    const n2 = this.norm2.forward(b);
    b.dispose();
    const r2 = n2.relu_();
    n2.dispose();
    const out = this.conv2.forward(r2);
    r2.dispose();
    return out;
  }
}

class DenseBlock extends Module {
  readonly layers: DenseLayer[] = [];
  constructor(numLayers: number, inFeatures: number, growth: number, bnSize: number) {
    super();
    for (let i = 0; i < numLayers; i++)
      this.layers.push(
        this.registerModule(`denselayer${i + 1}`, new DenseLayer(inFeatures + i * growth, growth, bnSize)),
      );
  }
  forward(x: Tensor): Tensor {
    const features = [x];
    for (const l of this.layers) features.push(l.forward(features));
    const out = cat(features, 1);
    for (const f of features.slice(1)) f.dispose();
    return out;
  }
}

class Transition extends Module {
  readonly norm: BatchNorm2d;
  readonly conv: Conv2d;
  constructor(inFeatures: number, outFeatures: number) {
    super();
    this.norm = this.registerModule('norm', new BatchNorm2d(inFeatures));
    this.conv = this.registerModule('conv', new Conv2d(inFeatures, outFeatures, 1));
  }
  forward(x: Tensor): Tensor {
    const n = this.norm.forward(x);
    const r = n.relu_();
    n.dispose();
    const c = this.conv.forward(r);
    r.dispose();
    const out = avgPool2d(c, 2, 2);
    c.dispose();
    return out;
  }
}

class Features extends Module {
  readonly stages: [string, Module & { forward(x: Tensor): Tensor }][] = [];
  readonly numFeatures: number;
  constructor(cfg: DenseNetConfig) {
    super();
    const conv0 = this.registerModule('conv0', new Conv2d(3, cfg.numInitFeatures, 7, 2, 3));
    const norm0 = this.registerModule('norm0', new BatchNorm2d(cfg.numInitFeatures));
    this.stages.push(['conv0', conv0], ['norm0', norm0]);
    let nf = cfg.numInitFeatures;
    cfg.blockConfig.forEach((numLayers, i) => {
      const block = this.registerModule(
        `denseblock${i + 1}`,
        new DenseBlock(numLayers, nf, cfg.growthRate, cfg.bnSize),
      );
      this.stages.push([`denseblock${i + 1}`, block]);
      nf += numLayers * cfg.growthRate;
      if (i !== cfg.blockConfig.length - 1) {
        const t = this.registerModule(`transition${i + 1}`, new Transition(nf, Math.floor(nf / 2)));
        this.stages.push([`transition${i + 1}`, t]);
        nf = Math.floor(nf / 2);
      }
    });
    const norm5 = this.registerModule('norm5', new BatchNorm2d(nf));
    this.stages.push(['norm5', norm5]);
    this.numFeatures = nf;
  }
}

/**
 * How the convolutional features are computed: `bf16` runs them under libtorch's CPU autocast
 * (convolutions in bfloat16, batch norm and the head in float32; the feature map returns as
 * float32); `channelsLast` lays the input and every 4-D weight out NHWC, the layout oneDNN's
 * convolutions prefer. Both default off (float32, contiguous).
 */
export interface ComputeOptions {
  bf16?: boolean;
  channelsLast?: boolean;
}

export interface ForwardOptions {
  /** Layer names whose outputs are returned with retained gradients (Grad-CAM), e.g. 'features.denseblock3'. */
  capture?: string[];
}

export interface ForwardResult {
  /** Final feature map after norm5 + ReLU: N×numFeatures×h×w (gradient retained when captured as 'features'). */
  featureMap: Tensor;
  /** Global-average-pooled features N×numFeatures. */
  pooled: Tensor;
  /** Head output N×classes. */
  logits: Tensor;
  captured: Map<string, Tensor>;
}

export class DenseNet extends Module {
  readonly features: Features;
  classifier: Head;
  readonly config: DenseNetConfig;
  private compute: Readonly<ComputeOptions> = {};

  constructor(config: Partial<DenseNetConfig> = {}, head?: Head) {
    super();
    this.config = { ...DENSENET121, ...config };
    const c = this.config;
    for (const [k, v] of Object.entries({
      growthRate: c.growthRate,
      numInitFeatures: c.numInitFeatures,
      bnSize: c.bnSize,
      numClasses: c.numClasses,
    }))
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`DenseNet: ${k} must be a positive integer, got ${v}`);
    if (!c.blockConfig.length || !c.blockConfig.every((b) => Number.isInteger(b) && b > 0))
      throw new RangeError(`DenseNet: blockConfig must be positive integers, got [${c.blockConfig}]`);
    this.features = this.registerModule('features', new Features(c));
    this.classifier = this.registerModule(
      'classifier',
      head ?? new Linear(this.features.numFeatures, c.numClasses, { zeroBias: true }),
    );
  }

  get numFeatures(): number {
    return this.features.numFeatures;
  }

  /**
   * Sets how the features are computed (see ComputeOptions). channelsLast re-lays the 4-D weights
   * out in place (same tensors, same values, so optimizers built before or after keep working);
   * it cannot be turned back off on the same model.
   */
  setCompute(opts: ComputeOptions): this {
    if (this.compute.channelsLast && opts.channelsLast === false)
      throw new Error('DenseNet.setCompute: channelsLast cannot be turned off once on');
    if (opts.channelsLast)
      for (const p of this.features.parameters()) if (p.shape.length === 4) p.channelsLast_();
    this.compute = { ...this.compute, ...opts };
    return this;
  }

  get computeOptions(): Readonly<ComputeOptions> {
    return this.compute;
  }

  /** Valid names for `capture`. */
  layerNames(): string[] {
    return ['features.pool0', ...this.features.stages.map(([n]) => `features.${n}`), 'features'];
  }

  /** Replace the head (e.g. with a quantum head); the old head is returned, not disposed. */
  setHead(head: Head): Head {
    const old = this.classifier;
    this.classifier = this.registerModule('classifier', head);
    return old;
  }

  forwardAll(x: Tensor, opts: ForwardOptions = {}): ForwardResult {
    const shape = x.shape;
    if (shape.length !== 4 || shape[1] !== 3)
      throw new Error(`DenseNet input must be N×3×H×W, got [${shape.join(', ')}]`);
    if (shape[2] < 32 || shape[3] < 32)
      throw new Error(`DenseNet input must be at least 32×32, got ${shape[2]}×${shape[3]}`);
    if (!x.isFinite()) throw new Error('DenseNet input contains NaN or infinite values');
    const capture = new Set(opts.capture ?? []);
    const valid = new Set(this.layerNames());
    for (const c of capture)
      if (!valid.has(c)) throw new Error(`unknown layer '${c}'; valid layers: ${[...valid].join(', ')}`);
    const captured = new Map<string, Tensor>();
    const grab = (name: string, t: Tensor) => {
      if (capture.has(name)) {
        if (t.requiresGrad) t.retainGrad();
        captured.set(name, t);
      }
    };
    // each stage output is released once the next stage has consumed it, unless it was captured
    const release = (t: Tensor) => {
      if (t !== x && ![...captured.values()].includes(t)) t.dispose();
    };
    const stages = () => this.runStages(this.compute.channelsLast ? x.channelsLast() : x, grab, release);
    let h = this.compute.bf16 ? withAutocast('bfloat16', stages) : stages();
    if (h.dtype !== 'float32') {
      const f = h.float();
      release(h);
      h = f;
    }
    // in place like torchvision, unless the norm5 output itself was captured
    const featureMap = captured.has('features.norm5') ? h.relu() : h.relu_();
    if (featureMap !== h) release(h);
    grab('features', featureMap);
    const pooled = adaptiveAvgPool2d(featureMap, 1).flatten(1);
    const logits = this.classifier.forward(pooled);
    return { featureMap, pooled, logits, captured };
  }

  private runStages(
    x: Tensor,
    grab: (name: string, t: Tensor) => void,
    release: (t: Tensor) => void,
  ): Tensor {
    let h = x;
    for (const [name, stage] of this.features.stages) {
      const next = stage.forward(h);
      release(h);
      h = next;
      if (name === 'norm0') {
        const r = h.relu_();
        release(h);
        h = r;
        grab('features.norm0', h);
        const p = maxPool2d(h, 3, 2, 1);
        release(h);
        h = p;
        grab('features.pool0', h);
      } else grab(`features.${name}`, h);
    }
    return h;
  }

  forward(x: Tensor): Tensor {
    return this.forwardAll(x).logits;
  }

  /** Pooled features N×numFeatures. */
  embed(x: Tensor): Tensor {
    return this.forwardAll(x).pooled;
  }

  /** Load torchvision / timm / qmri weights from a .safetensors file. */
  loadWeights(
    path: string,
    opts: { strict?: boolean; requireClassifier?: boolean; skipClassifier?: boolean } = {},
  ): { hasClassifier: boolean } {
    const file = readSafetensors(path);
    const entries = new Map(file.tensors);
    if (opts.skipClassifier)
      for (const k of [...entries.keys()]) if (k.startsWith('classifier.')) entries.delete(k);
    const hasClassifier = entries.has('classifier.weight');
    if (!hasClassifier && opts.requireClassifier) throw new Error(`${path}: no classifier weights`);
    let strict = opts.strict ?? true;
    if (!hasClassifier) {
      // a backbone-only file: load every feature key strictly, keep the current head
      for (const [k] of this.classifier.namedParameters('classifier')) entries.delete(k);
      const own = [...this.stateDict().keys()].filter((k) => !k.startsWith('classifier.'));
      const missing = own.filter((k) => !entries.has(k));
      if (missing.length)
        throw new Error(
          `${path}: weights do not fit this model: missing keys: ${missing.slice(0, 5).join(', ')}`,
        );
      strict = false;
    }
    const { unexpected } = this.loadStateDict(entries, { strict, source: path });
    if (unexpected.length)
      throw new Error(
        `${path}: weights do not fit this model: unexpected keys: ${unexpected.slice(0, 5).join(', ')}`,
      );
    return { hasClassifier };
  }
}

export function densenet121(numClasses = 4, head?: Head): DenseNet {
  return new DenseNet({ numClasses }, head);
}

/**
 * Reads a DenseNet-BC configuration off torchvision-style state-dict keys (layers per block, growth
 * rate, bn_size, initial features), so a file of any DenseNet variant loads into the right model.
 */
export function inferDenseNetConfig(
  tensors: Map<string, StEntry>,
  source = 'weights',
): Omit<DenseNetConfig, 'numClasses'> {
  const conv0 = tensors.get('features.conv0.weight');
  if (!conv0) throw new Error(`${source}: not DenseNet weights (no 'features.conv0.weight')`);
  const blocks: number[] = [];
  for (let b = 1; ; b++) {
    let n = 0;
    while (tensors.has(`features.denseblock${b}.denselayer${n + 1}.conv1.weight`)) n++;
    if (n === 0) break;
    blocks.push(n);
  }
  const conv1 = tensors.get('features.denseblock1.denselayer1.conv1.weight');
  const conv2 = tensors.get('features.denseblock1.denselayer1.conv2.weight');
  if (!blocks.length || !conv1 || !conv2)
    throw new Error(`${source}: not DenseNet weights (no dense blocks found)`);
  const growthRate = conv2.shape[0];
  return {
    growthRate,
    blockConfig: blocks,
    numInitFeatures: conv0.shape[0],
    bnSize: conv1.shape[0] / growthRate,
  };
}
