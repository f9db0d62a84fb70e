/**
 * A small module system over the engine: named parameters, buffers and child modules, train/eval
 * mode, and state dicts whose keys follow PyTorch's dotted naming (so torchvision weights load).
 */
import { Tensor, noGrad, readSafetensors, writeSafetensors, type StEntry } from '../engine/index.js';

export type StateDict = Map<string, Tensor>;

export abstract class Module {
  training = true;
  private readonly ownParams = new Map<string, Tensor>();
  private readonly ownBuffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  protected registerParameter(name: string, t: Tensor): Tensor {
    t.setRequiresGrad(true);
    this.ownParams.set(name, t);
    return t;
  }
  protected registerBuffer(name: string, t: Tensor): Tensor {
    this.ownBuffers.set(name, t);
    return t;
  }
  protected registerModule<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  namedChildren(): [string, Module][] {
    return [...this.children.entries()];
  }

  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [n, c] of this.children) out.push(...c.namedModules(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this.ownParams) out.push([prefix ? `${prefix}.${n}` : n, p]);
    for (const [n, c] of this.children) out.push(...c.namedParameters(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, b] of this.ownBuffers) out.push([prefix ? `${prefix}.${n}` : n, b]);
    for (const [n, c] of this.children) out.push(...c.namedBuffers(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  parameterCount(): number {
    return this.parameters().reduce((a, p) => a + p.numel, 0);
  }

  /** Parameters and buffers by dotted name (the tensors themselves, not copies). */
  stateDict(): StateDict {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /** Plain-array snapshot of the state dict (for safetensors files). */
  stateEntries(): [string, StEntry][] {
    return [...this.stateDict()].map(([k, t]) =>
      t.dtype === 'int64'
        ? [k, { dtype: 'I64', shape: t.shape, data: t.toInt64Array() }]
        : [k, { dtype: 'F32', shape: t.shape, data: t.toFloat32Array() }],
    );
  }

  /**
   * Copy values into this module's tensors. Keys ending in `num_batches_tracked` are ignored.
   * strict: every key must match both ways. Shape mismatches always fail, naming the key.
   */
  loadStateDict(
    entries: Map<string, StEntry>,
    opts: { strict?: boolean; source?: string } = {},
  ): { missing: string[]; unexpected: string[] } {
    const strict = opts.strict ?? true;
    const src = opts.source ? `${opts.source}: ` : '';
    const own = this.stateDict();
    const ignore = (k: string) => k.endsWith('num_batches_tracked');
    const missing = [...own.keys()].filter((k) => !entries.has(k));
    const unexpected = [...entries.keys()].filter((k) => !own.has(k) && !ignore(k));
    if (strict && (missing.length || unexpected.length)) {
      const parts = [];
      if (missing.length)
        parts.push(
          `missing keys: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (+${missing.length - 5} more)` : ''}`,
        );
      if (unexpected.length)
        parts.push(
          `unexpected keys: ${unexpected.slice(0, 5).join(', ')}${unexpected.length > 5 ? ` (+${unexpected.length - 5} more)` : ''}`,
        );
      throw new Error(`${src}weights do not fit this model: ${parts.join('; ')}`);
    }
    for (const [k, e] of entries) {
      const t = own.get(k);
      if (!t) continue;
      const shape = t.shape;
      if (shape.length !== e.shape.length || shape.some((d, i) => d !== e.shape[i]))
        throw new Error(
          `${src}shape mismatch for '${k}': model has [${shape.join(', ')}], weights have [${e.shape.join(', ')}]`,
        );
      if (t.dtype === 'float32' && e.dtype !== 'F32')
        throw new Error(`${src}'${k}' must be F32, got ${e.dtype}`);
      noGrad(() => {
        const v =
          e.dtype === 'F32'
            ? Tensor.from(e.data as Float32Array, e.shape)
            : Tensor.int64(e.data as BigInt64Array, e.shape);
        t.copy_(v);
        v.dispose();
      });
      if (e.dtype === 'F32' && !t.isFinite()) throw new Error(`${src}'${k}' contains NaN or infinite values`);
    }
    return { missing, unexpected };
  }

  /** Writes parameters and buffers to a .safetensors file (atomically). */
  save(path: string, metadata: Record<string, string> = {}): void {
    writeSafetensors(path, this.stateEntries(), metadata);
  }

  /** Loads parameters and buffers from a .safetensors file written by save() (strict by default). */
  load(path: string, opts: { strict?: boolean } = {}): void {
    this.loadStateDict(readSafetensors(path).tensors, { strict: opts.strict ?? true, source: path });
  }

  train(on = true): this {
    for (const [, m] of this.namedModules()) m.training = on;
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Free every parameter and buffer. */
  dispose(): void {
    for (const [, t] of this.stateDict()) t.dispose();
  }
}
