/**
 * Optimizers run inside libtorch (torch::optim). Their full state (moments, step counts) exports to
 * a byte buffer, so a checkpoint restores training bit-exactly.
 */
import { native, type NativeOptimizer } from './native.js';
import type { Tensor } from './tensor.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  dampening?: number;
}

export interface AdamOptions {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

export abstract class Optimizer {
  private readonly impl: NativeOptimizer;
  private currentLr: number;

  protected constructor(
    kind: string,
    params: readonly Tensor[],
    opts: Record<string, unknown> & { lr: number },
  ) {
    if (params.length === 0) throw new Error(`${kind}: no parameters to optimize`);
    if (!(opts.lr > 0) || !Number.isFinite(opts.lr))
      throw new RangeError(`${kind}: lr must be > 0, got ${opts.lr}`);
    this.impl = new native.NativeOptimizer(
      kind,
      params.map((p) => p.handle),
      opts,
    );
    this.currentLr = opts.lr;
  }

  step(): void {
    this.impl.step();
  }
  zeroGrad(): void {
    this.impl.zeroGrad();
  }
  get lr(): number {
    return this.currentLr;
  }
  setLr(lr: number): void {
    if (!(lr >= 0) || !Number.isFinite(lr)) throw new RangeError(`setLr: invalid learning rate ${lr}`);
    this.impl.setLr(lr);
    this.currentLr = lr;
  }
  /** Serialised optimizer state (torch::serialize archive). */
  stateBytes(): Buffer {
    return this.impl.saveState();
  }
  loadStateBytes(b: Uint8Array): void {
    this.impl.loadState(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  }
  /**
   * Releases the optimizer's hold on the parameters, their gradients and its moments (about three
   * models' worth of memory) now rather than whenever V8 collects it; any later call throws. Whoever
   * creates an optimizer disposes it, as with tensors. Disposing twice is harmless.
   */
  dispose(): void {
    this.impl.dispose();
  }
}

export class SGD extends Optimizer {
  constructor(params: readonly Tensor[], o: SGDOptions) {
    super('sgd', params, { ...o });
  }
}

/** AdamOptions in the addon's form (betas split), with the weight decay given. */
const adamNative = (o: AdamOptions, weightDecay: number | undefined) => ({
  lr: o.lr,
  beta1: o.betas?.[0],
  beta2: o.betas?.[1],
  eps: o.eps,
  weightDecay,
});

export class Adam extends Optimizer {
  constructor(params: readonly Tensor[], o: AdamOptions) {
    super('adam', params, adamNative(o, o.weightDecay));
  }
}

/** Adam with decoupled weight decay (default 1e-2, as torch.optim.AdamW). */
export class AdamW extends Optimizer {
  constructor(params: readonly Tensor[], o: AdamOptions) {
    super('adamw', params, adamNative(o, o.weightDecay ?? 1e-2));
  }
}
