/**
 * Heads that replace DenseNet121's classifier, all mapping pooled features (B×1024) to class logits:
 *   LinearHead      the 1,024→classes layer the source swaps out;
 *   BottleneckHead  1,024→n→tanh→hidden→classes, sized to match the quantum head's parameter count;
 *   QuantumHead     the "dressed" circuit: 1,024→n linear, tanh·π/2, n-qubit circuit, ⟨Z⟩ per wire,
 *                   n→classes linear.
 * Every head exports to plain arrays; the quantum head's export is the DressedHeadParams that the
 * pure-TypeScript forward (SHAP, noise studies, web viewer) runs.
 */
import { Tensor } from '../engine/index.js';
import type { DressedHeadParams } from '../quantum/index.js';
import { Linear } from './layers.js';
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

export class BottleneckHead extends HeadModule {
  readonly kind = 'bottleneck';
  readonly pre: Linear;
  readonly hidden: Linear;
  readonly post: Linear;
  constructor(
    inDim: number,
    readonly n: number,
    readonly hiddenSize: number,
    classes: number,
  ) {
    super();
    this.pre = this.registerModule('pre', new Linear(inDim, n));
    this.hidden = this.registerModule('hidden', new Linear(n, hiddenSize));
    this.post = this.registerModule('post', new Linear(hiddenSize, classes));
  }
  forward(x: Tensor): Tensor {
    return this.post.forward(this.hidden.forward(this.pre.forward(x).tanh()).tanh());
  }
}

export class QuantumHead extends HeadModule {
  readonly kind = 'quantum';
  readonly pre: Linear;
  readonly quantum: QuantumLayer;
  readonly post: Linear;
  constructor(
    readonly inDim: number,
    readonly classes: number,
    readonly q: QuantumLayerOptions,
  ) {
    super();
    this.pre = this.registerModule('pre', new Linear(inDim, q.qubits));
    this.quantum = this.registerModule('quantum', new QuantumLayer(q));
    this.post = this.registerModule('post', new Linear(q.qubits, classes));
  }
  forward(x: Tensor): Tensor {
    return this.post.forward(
      this.quantum.forward(
        this.pre
          .forward(x)
          .tanh()
          .mul(Math.PI / 2),
      ),
    );
  }
  toDressed(): DressedHeadParams {
    return {
      inDim: this.inDim,
      nQubits: this.q.qubits,
      nClasses: this.classes,
      pre: { weight: this.pre.weight.toFloat32Array(), bias: this.pre.bias!.toFloat32Array() },
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
