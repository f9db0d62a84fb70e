/** Functional neural-network ops over libtorch (the ones DenseNet121 and the heads need). */
import { native } from './native.js';
import { Tensor } from './tensor.js';

const h = (t: Tensor | null | undefined) => (t ? t.handle : null);
const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

export interface Conv2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
  dilation?: number | [number, number];
  groups?: number;
}

export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, o: Conv2dOptions = {}): Tensor {
  return new Tensor(
    native.conv2d(
      x.handle,
      weight.handle,
      h(bias),
      pair(o.stride ?? 1),
      pair(o.padding ?? 0),
      pair(o.dilation ?? 1),
      o.groups ?? 1,
    ),
  );
}

export interface BatchNormOptions {
  training: boolean;
  momentum?: number;
  eps?: number;
}

/** Batch norm; in training mode the running statistics are updated in place. */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  o: BatchNormOptions,
): Tensor {
  return new Tensor(
    native.batchNorm(
      x.handle,
      h(weight),
      h(bias),
      h(runningMean),
      h(runningVar),
      o.training,
      o.momentum ?? 0.1,
      o.eps ?? 1e-5,
    ),
  );
}

export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return new Tensor(native.linear(x.handle, weight.handle, h(bias)));
}

export function relu(x: Tensor): Tensor {
  return x.relu();
}

export function maxPool2d(x: Tensor, kernel: number, stride = kernel, padding = 0): Tensor {
  return new Tensor(native.pool('max', x.handle, pair(kernel), pair(stride), pair(padding)));
}

export function avgPool2d(x: Tensor, kernel: number, stride = kernel, padding = 0): Tensor {
  return new Tensor(native.pool('avg', x.handle, pair(kernel), pair(stride), pair(padding)));
}

export function adaptiveAvgPool2d(x: Tensor, size: number | [number, number]): Tensor {
  return new Tensor(native.pool('adaptive_avg', x.handle, pair(size)));
}

export function cat(tensors: readonly Tensor[], dim: number): Tensor {
  return new Tensor(
    native.cat(
      tensors.map((t) => t.handle),
      dim,
    ),
  );
}

export function dropout(x: Tensor, p: number, training: boolean): Tensor {
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout: p must be in [0, 1), got ${p}`);
  return new Tensor(native.dropout(x.handle, p, training));
}

/** Bilinear resize of an N×C×H×W tensor (align_corners = false, as torch's default). */
export function interpolateBilinear(x: Tensor, size: [number, number], alignCorners = false): Tensor {
  return new Tensor(native.interpolateBilinear(x.handle, size, alignCorners));
}

export interface CrossEntropyOptions {
  /** Per-class weights (float32, length = classes). */
  weight?: Tensor | null;
  labelSmoothing?: number;
}

/** Mean cross entropy of logits N×C against int64 class indices N. */
export function crossEntropy(logits: Tensor, target: Tensor, o: CrossEntropyOptions = {}): Tensor {
  const ls = o.labelSmoothing ?? 0;
  if (!(ls >= 0 && ls < 1)) throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1), got ${ls}`);
  return new Tensor(native.crossEntropy(logits.handle, target.handle, h(o.weight), ls));
}

export function softmax(x: Tensor, dim: number): Tensor {
  return x.softmax(dim);
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  return x.logSoftmax(dim);
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  return a.matmul(b);
}
