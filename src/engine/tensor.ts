/**
 * Tensor: a TypeScript handle on a libtorch at::Tensor (float32 or int64). Every method returns a
 * new tensor that joins the innermost `tidy` scope. Data crosses into JavaScript only through
 * `toFloat32Array()` / `toInt64Array()`.
 */
import { defaultDevice } from './device.js';
import { native, type NativeHandle } from './native.js';
import { track } from './scope.js';

let stableTanhGrad = 0;

/**
 * Runs fn with Tensor.tanh() of gradient-carrying tensors computed as sign(x)·(1 − e^{−2|x|})/(1 + e^{−2|x|}),
 * whose autograd derivative 4e^{−2|x|}/(1 + e^{−2|x|})² = sech²(x) has no cancellation: libtorch's
 * own float32 backward, 1 − tanh², is exactly zero once |x| > 9 (tanh rounds to ±1), which empties
 * every gradient explanation of a head with saturated tanh units. The forward value agrees with
 * tanh to float32 rounding. Restored on return (nesting allowed); used by the explanation backward only.
 */
export function withStableTanhGrad<T>(fn: () => T): T {
  stableTanhGrad++;
  try {
    return fn();
  } finally {
    stableTanhGrad--;
  }
}

export type DType = 'float32' | 'int64' | 'bfloat16';
export type Shape = readonly number[];

interface NativeInfo {
  shape: number[];
  dtype: string;
  channelsLast: boolean;
  requiresGrad: boolean;
  device: string;
}

export interface CreateOptions {
  requiresGrad?: boolean;
  device?: string;
}

function checkShape(shape: Shape, what: string): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${what}: shape must be an array of integers`);
  for (const d of shape)
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`${what}: invalid shape [${shape.join(', ')}]`);
  return [...shape];
}

export class Tensor {
  /** @internal */
  readonly handle: NativeHandle;

  /** @internal wrap a native handle (it is tracked by the current tidy scope). */
  constructor(handle: NativeHandle) {
    this.handle = handle;
    track(this);
  }

  // ----- creation -----
  static from(data: Float32Array | readonly number[], shape: Shape, opts: CreateOptions = {}): Tensor {
    const arr = data instanceof Float32Array ? data : Float32Array.from(data);
    const t = new Tensor(
      native.fromFloat32(arr, checkShape(shape, 'Tensor.from'), opts.device ?? defaultDevice()),
    );
    if (opts.requiresGrad) t.setRequiresGrad(true);
    return t;
  }

  static int64(data: BigInt64Array | Int32Array | readonly number[], shape: Shape, device?: string): Tensor {
    let arr: BigInt64Array;
    if (data instanceof BigInt64Array) arr = data;
    else {
      arr = new BigInt64Array(data.length);
      for (let i = 0; i < data.length; i++) {
        const v = data[i];
        if (!Number.isInteger(v)) throw new TypeError(`Tensor.int64: element ${i} is not an integer (${v})`);
        arr[i] = BigInt(v);
      }
    }
    return new Tensor(native.fromInt64(arr, checkShape(shape, 'Tensor.int64'), device ?? defaultDevice()));
  }

  static zeros(shape: Shape, opts: CreateOptions = {}): Tensor {
    return Tensor.create('zeros', shape, 0, opts);
  }
  static ones(shape: Shape, opts: CreateOptions = {}): Tensor {
    return Tensor.create('ones', shape, 0, opts);
  }
  static randn(shape: Shape, opts: CreateOptions = {}): Tensor {
    return Tensor.create('randn', shape, 0, opts);
  }
  static rand(shape: Shape, opts: CreateOptions = {}): Tensor {
    return Tensor.create('rand', shape, 0, opts);
  }
  static full(shape: Shape, value: number, opts: CreateOptions = {}): Tensor {
    return Tensor.create('full', shape, value, opts);
  }
  static arange(n: number): Tensor {
    return new Tensor(native.create('arange', [n], 0, defaultDevice()));
  }

  private static create(kind: string, shape: Shape, value: number, opts: CreateOptions): Tensor {
    const t = new Tensor(
      native.create(kind, checkShape(shape, `Tensor.${kind}`), value, opts.device ?? defaultDevice()),
    );
    if (opts.requiresGrad) t.setRequiresGrad(true);
    return t;
  }

  // ----- metadata -----
  private info(): NativeInfo {
    return native.info(this.handle) as NativeInfo;
  }
  get shape(): number[] {
    return this.info().shape;
  }
  get dtype(): DType {
    return this.info().dtype as DType;
  }
  get device(): string {
    return this.info().device;
  }
  /** A 4-D tensor laid out NHWC in memory (channels-last), shape still N×C×H×W. */
  get isChannelsLast(): boolean {
    return this.info().channelsLast;
  }
  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  get requiresGrad(): boolean {
    return this.info().requiresGrad;
  }
  get disposed(): boolean {
    return this.handle.isDisposed();
  }

  // ----- data -----
  toFloat32Array(): Float32Array {
    return native.toFloat32(this.handle) as Float32Array;
  }
  toInt64Array(): BigInt64Array {
    return native.toInt64(this.handle) as BigInt64Array;
  }
  /** Single value of a one-element tensor. */
  item(): number {
    const a = this.toFloat32Array();
    if (a.length !== 1) throw new Error(`item(): tensor has ${a.length} elements, expected 1`);
    return a[0];
  }
  /** Nested array (for JSON output). */
  toArray(): number[] | number[][] {
    const s = this.shape;
    const a = Array.from(this.toFloat32Array());
    if (s.length <= 1) return a;
    const cols = a.length / s[0];
    return Array.from({ length: s[0] }, (_, i) => a.slice(i * cols, (i + 1) * cols));
  }
  /** True when every element is finite. */
  isFinite(): boolean {
    const t = new Tensor(native.unary('isfinite', this.handle));
    try {
      return t.toInt64Array()[0] === 1n;
    } finally {
      t.dispose();
    }
  }

  dispose(): void {
    this.handle.dispose();
  }

  // ----- autograd -----
  setRequiresGrad(on = true): this {
    native.setRequiresGrad(this.handle, on);
    return this;
  }
  /** A copy of the accumulated gradient, or null. */
  get grad(): Tensor | null {
    const g = native.grad(this.handle);
    return g ? new Tensor(g) : null;
  }
  /** Overwrite the gradient (null clears it); used to hand libtorch an externally computed gradient. */
  setGrad(g: Tensor | null): void {
    native.setGrad(this.handle, g ? g.handle : null);
  }
  zeroGrad(): void {
    native.zeroGrad(this.handle);
  }
  /** Keep the gradient of a non-leaf tensor (e.g. a feature map for Grad-CAM). */
  retainGrad(): this {
    native.retainGrad(this.handle);
    return this;
  }
  /** Backpropagate; `gradient` is the vector in the vector-Jacobian product (required unless scalar). */
  backward(gradient?: Tensor, opts: { retainGraph?: boolean } = {}): void {
    native.backward(this.handle, gradient ? gradient.handle : null, !!opts.retainGraph);
  }
  detach(): Tensor {
    return this.unary('detach');
  }
  clone(): Tensor {
    return this.unary('clone');
  }
  contiguous(): Tensor {
    return this.unary('contiguous');
  }
  to(device: string): Tensor {
    return new Tensor(native.toDevice(this.handle, device));
  }
  float(): Tensor {
    return this.unary('float');
  }
  long(): Tensor {
    return this.unary('long');
  }
  bfloat16(): Tensor {
    return this.unary('bfloat16');
  }
  /** The same values laid out channels-last (NHWC) in memory; a 4-D tensor only. */
  channelsLast(): Tensor {
    return this.unary('channels_last');
  }
  /**
   * Re-lays this tensor out channels-last in place (for parameters: module and optimizer keep
   * their reference; values, requiresGrad and leaf status unchanged).
   */
  channelsLast_(): this {
    native.unary('channels_last_', this.handle).dispose();
    return this;
  }

  // ----- elementwise -----
  private unary(op: string): Tensor {
    return new Tensor(native.unary(op, this.handle));
  }
  private binary(op: string, other: Tensor | number): Tensor {
    return new Tensor(native.binary(op, this.handle, typeof other === 'number' ? other : other.handle));
  }
  relu(): Tensor {
    return this.unary('relu');
  }
  /** In-place ReLU (as torchvision's ReLU(inplace=True)); returns a new handle on the same storage. */
  relu_(): Tensor {
    return this.unary('relu_');
  }
  tanh(): Tensor {
    if (stableTanhGrad > 0 && this.requiresGrad) {
      const u = this.abs().mul(-2).exp();
      const x = this.detach();
      const sign = x.div(x.abs().add(1e-30));
      return u.neg().add(1).div(u.add(1)).mul(sign);
    }
    return this.unary('tanh');
  }
  sigmoid(): Tensor {
    return this.unary('sigmoid');
  }
  exp(): Tensor {
    return this.unary('exp');
  }
  log(): Tensor {
    return this.unary('log');
  }
  neg(): Tensor {
    return this.unary('neg');
  }
  sqrt(): Tensor {
    return this.unary('sqrt');
  }
  abs(): Tensor {
    return this.unary('abs');
  }
  sin(): Tensor {
    return this.unary('sin');
  }
  cos(): Tensor {
    return this.unary('cos');
  }
  add(o: Tensor | number): Tensor {
    return this.binary('add', o);
  }
  sub(o: Tensor | number): Tensor {
    return this.binary('sub', o);
  }
  mul(o: Tensor | number): Tensor {
    return this.binary('mul', o);
  }
  div(o: Tensor | number): Tensor {
    return this.binary('div', o);
  }
  pow(o: Tensor | number): Tensor {
    return this.binary('pow', o);
  }
  eq(o: Tensor | number): Tensor {
    return this.binary('eq', o);
  }
  /** Copy `src`'s values into this tensor in place (no autograd); shapes must match. */
  copy_(src: Tensor): this {
    native.binary('copy_', this.handle, src.handle).dispose();
    return this;
  }
  matmul(o: Tensor): Tensor {
    return this.binary('matmul', o);
  }
  clamp(min: number, max: number): Tensor {
    return new Tensor(native.clamp(this.handle, min, max));
  }

  // ----- reductions -----
  sum(dims?: number[], keepdim = false): Tensor {
    return new Tensor(native.reduce('sum', this.handle, dims, keepdim));
  }
  mean(dims?: number[], keepdim = false): Tensor {
    return new Tensor(native.reduce('mean', this.handle, dims, keepdim));
  }
  max(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.reduce('max', this.handle, dim === undefined ? undefined : [dim], keepdim));
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.reduce('argmax', this.handle, dim === undefined ? undefined : [dim], keepdim));
  }
  softmax(dim: number): Tensor {
    return new Tensor(native.softmax(this.handle, dim, false));
  }
  logSoftmax(dim: number): Tensor {
    return new Tensor(native.softmax(this.handle, dim, true));
  }

  // ----- shape -----
  reshape(shape: Shape): Tensor {
    return new Tensor(native.reshape(this.handle, [...shape]));
  }
  view(shape: Shape): Tensor {
    return this.reshape(shape);
  }
  flatten(startDim = 1): Tensor {
    const s = this.shape;
    return this.reshape([...s.slice(0, startDim), s.slice(startDim).reduce((a, b) => a * b, 1)]);
  }
  permute(dims: number[]): Tensor {
    return new Tensor(native.permute(this.handle, dims));
  }
  transpose(a: number, b: number): Tensor {
    return new Tensor(native.transpose(this.handle, a, b));
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return new Tensor(native.narrow(this.handle, dim, start, length));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return new Tensor(native.indexSelect(this.handle, dim, index.handle));
  }

  toString(): string {
    return this.disposed ? 'Tensor(disposed)' : `Tensor(${this.dtype}, [${this.shape.join(', ')}])`;
  }
}
