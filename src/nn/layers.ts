/** Basic layers with PyTorch's parameter names and default initialisation. */
import { Tensor, batchNorm, conv2d, linear, noGrad, tidy } from '../engine/index.js';
import { Module } from './module.js';

/** uniform(-b, b) from libtorch's seeded generator. */
export function uniformTensor(shape: number[], bound: number): Tensor {
  return tidy(() =>
    noGrad(() =>
      Tensor.rand(shape)
        .mul(2 * bound)
        .sub(bound),
    ),
  );
}

export function normalTensor(shape: number[], std: number): Tensor {
  return tidy(() => noGrad(() => Tensor.randn(shape).mul(std)));
}

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: { bias?: boolean; zeroBias?: boolean } = {},
  ) {
    super();
    if (!(inFeatures > 0 && outFeatures > 0))
      throw new RangeError(`Linear(${inFeatures}, ${outFeatures}): sizes must be > 0`);
    // PyTorch default: kaiming_uniform(a=√5) ⇒ U(−1/√fan_in, 1/√fan_in) for weight and bias
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter('weight', uniformTensor([outFeatures, inFeatures], bound));
    this.bias =
      opts.bias === false
        ? null
        : this.registerParameter(
            'bias',
            opts.zeroBias ? Tensor.zeros([outFeatures]) : uniformTensor([outFeatures], bound),
          );
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: number,
    readonly stride = 1,
    readonly padding = 0,
  ) {
    super();
    // torchvision DenseNet: kaiming_normal_ (fan_in, gain √2)
    const fanIn = inChannels * kernel * kernel;
    this.weight = this.registerParameter(
      'weight',
      normalTensor([outChannels, inChannels, kernel, kernel], Math.sqrt(2 / fanIn)),
    );
  }
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, null, { stride: this.stride, padding: this.padding });
  }
}

/**
 * Batch norm over the features of B×n rows without the affine part (PyTorch's
 * BatchNorm1d(n, affine=False)): each unit standardised with the batch's statistics in training and
 * the running ones in eval. A training batch of one row has no batch variance, so it uses the running
 * statistics (PyTorch's module raises there, and batch_norm itself returns NaN).
 */
export class BatchNorm1d extends Module {
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  constructor(
    readonly features: number,
    readonly momentum = 0.1,
    readonly eps = 1e-5,
  ) {
    super();
    this.runningMean = this.registerBuffer('running_mean', Tensor.zeros([features]));
    this.runningVar = this.registerBuffer('running_var', Tensor.ones([features]));
  }
  forward(x: Tensor): Tensor {
    return batchNorm(x, this.runningMean, this.runningVar, null, null, {
      training: this.training && x.shape[0] > 1,
      momentum: this.momentum,
      eps: this.eps,
    });
  }
  /** y = (x − running mean) / √(running var + eps) in eval, folded into the linear layer before it */
  foldInto(lin: Linear): { weight: Float32Array; bias: Float32Array } {
    const n = this.features;
    const mean = this.runningMean.toFloat32Array();
    const v = this.runningVar.toFloat32Array();
    const w = lin.weight.toFloat32Array();
    const b = lin.bias ? lin.bias.toFloat32Array() : new Float32Array(n);
    const d = w.length / n;
    const weight = new Float32Array(w.length);
    const bias = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      const s = 1 / Math.sqrt(v[j] + this.eps);
      for (let k = 0; k < d; k++) weight[j * d + k] = w[j * d + k] * s;
      bias[j] = (b[j] - mean[j]) * s;
    }
    return { weight, bias };
  }
}

export class BatchNorm2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  constructor(
    readonly features: number,
    readonly momentum = 0.1,
    readonly eps = 1e-5,
  ) {
    super();
    this.weight = this.registerParameter('weight', Tensor.ones([features]));
    this.bias = this.registerParameter('bias', Tensor.zeros([features]));
    this.runningMean = this.registerBuffer('running_mean', Tensor.zeros([features]));
    this.runningVar = this.registerBuffer('running_var', Tensor.ones([features]));
  }
  forward(x: Tensor): Tensor {
    return batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, {
      training: this.training,
      momentum: this.momentum,
      eps: this.eps,
    });
  }
}
