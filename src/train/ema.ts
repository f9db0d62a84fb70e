/**
 * An exponential moving average of a model's weights (as timm's ModelEmaV2): a shadow copy, in
 * libtorch tensors, of every float parameter and buffer (batch-norm running statistics included),
 * updated after every optimizer step as shadow ← d·shadow + (1 − d)·live. With the warm-up, the
 * decay of update t (0-based) is min(d, (1 + t) / (10 + t)), so short runs are not dominated by the
 * initial weights. Non-float buffers (counters) are not averaged: the live model's are used.
 * `withShadow` runs a function with the shadow swapped into the model (validation, saving) and puts
 * the live weights back after it.
 */
import { Tensor, keep, noGrad, tidy, type StEntry } from '../engine/index.js';
import type { Module } from '../nn/index.js';

export interface EmaOptions {
  /** the decay d in (0, 1), e.g. 0.999 */
  decay: number;
  /** decay of update t: min(d, (1 + t) / (10 + t)) */
  warmup?: boolean;
}

/** The decay applied at update t (0-based). */
export function emaDecayAt(o: EmaOptions, t: number): number {
  return o.warmup ? Math.min(o.decay, (1 + t) / (10 + t)) : o.decay;
}

/** The float32 entries of a module's state dict, by name (the tensors themselves). */
function floatState(model: Module): [string, Tensor][] {
  return [...model.stateDict()].filter(([, t]) => t.dtype === 'float32');
}

export class WeightEma {
  /** shadow tensors by state-dict name (float parameters and buffers) */
  readonly shadow = new Map<string, Tensor>();

  constructor(
    model: Module,
    readonly options: EmaOptions,
  ) {
    if (!(options.decay > 0 && options.decay < 1))
      throw new RangeError(`ema decay must be in (0, 1), got ${options.decay}`);
    noGrad(() => {
      for (const [k, t] of floatState(model)) this.shadow.set(k, keep(t.detach().clone()));
    });
  }

  /** One update after optimizer step t (0-based global step). */
  update(model: Module, t: number): void {
    const d = emaDecayAt(this.options, t);
    const own = model.stateDict();
    for (const [k, sh] of this.shadow) {
      const live = own.get(k)!;
      tidy(() => noGrad(() => sh.copy_(sh.mul(d).add(live.detach().mul(1 - d)))));
    }
  }

  /** The shadow's buffers (in state-dict order): what data-parallel ranks broadcast from rank 0. */
  buffers(model: Module): Tensor[] {
    return model.namedBuffers().flatMap(([k]) => (this.shadow.has(k) ? [this.shadow.get(k)!] : []));
  }

  /** fn's result, computed with the shadow copied into the model; the live weights are restored after. */
  withShadow<T>(model: Module, fn: () => T): T {
    const own = model.stateDict();
    const live = new Map<string, Tensor>();
    noGrad(() => {
      for (const [k, sh] of this.shadow) {
        const t = own.get(k)!;
        live.set(k, keep(t.detach().clone()));
        t.copy_(sh);
      }
    });
    try {
      return fn();
    } finally {
      noGrad(() => {
        for (const [k, v] of live) own.get(k)!.copy_(v);
      });
      for (const v of live.values()) v.dispose();
    }
  }

  /** The shadow as safetensors entries under `prefix` (for the checkpoint). */
  entries(prefix: string): [string, StEntry][] {
    return [...this.shadow].map(([k, t]) => [
      `${prefix}${k}`,
      { dtype: 'F32', shape: t.shape, data: t.toFloat32Array() },
    ]);
  }

  /** Loads the shadow from checkpoint entries under `prefix`; every shadow tensor must be there. */
  load(entries: Map<string, StEntry>, prefix: string, source: string): void {
    noGrad(() => {
      for (const [k, sh] of this.shadow) {
        const e = entries.get(`${prefix}${k}`);
        const fits = e && e.dtype === 'F32' && e.shape.join() === sh.shape.join();
        if (!fits) throw new Error(`${source}: checkpoint has no valid EMA weight '${k}'`);
        tidy(() => sh.copy_(Tensor.from(e.data as Float32Array, e.shape)));
      }
    });
  }

  dispose(): void {
    for (const t of this.shadow.values()) t.dispose();
    this.shadow.clear();
  }
}
