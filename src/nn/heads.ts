/**
 * Heads that replace DenseNet121's classifier, all mapping pooled features (B×1024) to class logits:
 *   LinearHead      the 1,024→classes layer the source swaps out;
 *   BottleneckHead  1,024→n→tanh→hidden→classes, sized to match the quantum head's parameter count;
 *   QuantumHead     the "dressed" circuit: 1,024→n linear, tanh·π/2, n-qubit circuit, ⟨Z⟩ per wire,
 *                   n→classes linear.
 * The two tanh encoders (1,024→n, `pre`) may batch-normalise their pre-activations (`norm`,
 * EncoderNorm 'batch'): without it a trained encoder saturates (|u| ≈ 18: the circuit then sees
 * angles of ±π/2 only, and Grad-CAM through the head empties; BENCHMARKS.md). The norm is folded into
 * `pre` when a head is exported, so every exported head has the plain linear → tanh form.
 * Every head exports to plain arrays; the quantum head's export is the DressedHeadParams that the
 * pure-TypeScript forward (SHAP, noise studies, web viewer) runs.
 */
import { Tensor } from '../engine/index.js';
import type { DressedHeadParams } from '../quantum/index.js';
import { BatchNorm1d, Linear } from './layers.js';
import { Module } from './module.js';
import { QuantumLayer, type QuantumLayerOptions } from './quantum-layer.js';

export abstract class HeadModule extends Module {
  /** the head kind's registry name (src/heads) */
  abstract readonly kind: string;
  abstract forward(x: Tensor): Tensor;
}

export class LinearHead extends HeadModule {
  readonly kind = 'linear';
  readonly fc: Linear;
  constructor(inDim: number, classes: number) {
    super();
    this.fc = this.registerModule('fc', new Linear(inDim, classes));
  }
  forward(x: Tensor): Tensor {
    return this.fc.forward(x);
  }
}

/** What normalises a hybrid head's encoder pre-activations before tanh: 'batch' (BatchNorm1d, no affine) or nothing. */
export type EncoderNorm = 'batch' | 'none';

/** A hybrid head's encoder: `pre`, then its norm where it has one (tanh is the caller's). */
abstract class EncodedHead extends HeadModule {
  abstract readonly pre: Linear;
  protected norm: BatchNorm1d | null = null;
  protected addNorm(n: number, norm: EncoderNorm): void {
    if (norm === 'batch') this.norm = this.registerModule('norm', new BatchNorm1d(n));
  }
  /** the encoder's pre-activations u (B×n), before tanh */
  encode(x: Tensor): Tensor {
    const u = this.pre.forward(x);
    return this.norm ? this.norm.forward(u) : u;
  }
  /** the eval-mode encoder as one linear layer (the norm folded in): what a head exports */
  foldedPre(): { weight: Float32Array; bias: Float32Array } {
    if (this.norm) return this.norm.foldInto(this.pre);
    return { weight: this.pre.weight.toFloat32Array(), bias: this.pre.bias!.toFloat32Array() };
  }
}

export class BottleneckHead extends EncodedHead {
  readonly kind = 'bottleneck';
  readonly pre: Linear;
  readonly hidden: Linear;
  readonly post: Linear;
  constructor(
    inDim: number,
    readonly n: number,
    readonly hiddenSize: number,
    classes: number,
    norm: EncoderNorm = 'none',
  ) {
    super();
    this.pre = this.registerModule('pre', new Linear(inDim, n));
    this.hidden = this.registerModule('hidden', new Linear(n, hiddenSize));
    this.post = this.registerModule('post', new Linear(hiddenSize, classes));
    this.addNorm(n, norm);
  }
  forward(x: Tensor): Tensor {
    return this.post.forward(this.hidden.forward(this.encode(x).tanh()).tanh());
  }
}

export class QuantumHead extends EncodedHead {
  readonly kind = 'quantum';
  readonly pre: Linear;
  readonly quantum: QuantumLayer;
  readonly post: Linear;
  constructor(
    readonly inDim: number,
    readonly classes: number,
    readonly q: QuantumLayerOptions,
    norm: EncoderNorm = 'none',
  ) {
    super();
    this.pre = this.registerModule('pre', new Linear(inDim, q.qubits));
    this.quantum = this.registerModule('quantum', new QuantumLayer(q));
    this.post = this.registerModule('post', new Linear(q.qubits, classes));
    this.addNorm(q.qubits, norm);
  }
  forward(x: Tensor): Tensor {
    return this.post.forward(
      this.quantum.forward(
        this.encode(x)
          .tanh()
          .mul(Math.PI / 2),
      ),
    );
  }
  /** the plain-array head the TypeScript simulator runs (eval mode: the norm folded into `pre`) */
  toDressed(): DressedHeadParams {
    return {
      inDim: this.inDim,
      nQubits: this.q.qubits,
      nClasses: this.classes,
      pre: this.foldedPre(),
      circuit: {
        embedding: this.q.embedding ?? 'X',
        template: this.q.template ?? 'strong',
        layers: this.q.layers,
        reupload: !!this.q.reupload,
        weights: Float64Array.from(this.quantum.weights.toFloat32Array()),
      },
      post: { weight: this.post.weight.toFloat32Array(), bias: this.post.bias!.toFloat32Array() },
    };
  }
}

/** Trainable parameters of the quantum head: (inDim+1)·n + circuit weights + (n+1)·classes. */
export function quantumHeadParamCount(inDim: number, classes: number, q: QuantumLayerOptions): number {
  const n = q.qubits;
  const w = (q.template ?? 'strong') === 'strong' ? q.layers * n * 3 : q.layers * n;
  return (inDim + 1) * n + w + (n + 1) * classes;
}

/** Hidden width h of the bottleneck head whose parameter count is closest to `target`. */
export function matchedHiddenSize(inDim: number, n: number, classes: number, target: number): number {
  // (inDim+1)n + (n+1)h + (h+1)classes = target  ⇒  h = (target − (inDim+1)n − classes) / (n + 1 + classes)
  const h = Math.round((target - (inDim + 1) * n - classes) / (n + 1 + classes));
  return Math.max(1, h);
}

export function bottleneckParamCount(inDim: number, n: number, h: number, classes: number): number {
  return (inDim + 1) * n + (n + 1) * h + (h + 1) * classes;
}
