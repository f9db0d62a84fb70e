/** Runtime controls: threads, seeds, RNG state, grad mode, memory accounting (the device: device.ts). */
import { native } from './native.js';

export function setNumThreads(n: number): void {
  native.setNumThreads(n);
}
export function getNumThreads(): number {
  return native.getNumThreads() as number;
}
/** Seeds libtorch's default CPU generator (weight init, dropout, randn). */
export function manualSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0)
    throw new RangeError(`manualSeed: seed must be a non-negative integer`);
  native.manualSeed(seed);
}
export function getRngState(): Buffer {
  return native.getRngState() as Buffer;
}
export function setRngState(state: Uint8Array): void {
  native.setRngState(Buffer.from(state.buffer, state.byteOffset, state.byteLength));
}
/** Live tensors and bytes held by the engine. */
export function memory(): { tensors: number; bytes: number } {
  return native.memory() as { tensors: number; bytes: number };
}
/**
 * Returns the allocator's free pages to the system (jemalloc, which bin/qmri preloads with purging
 * off: purge every arena; glibc: malloc_trim). Called where a whole training ends (fit, each backbone
 * epoch): without it a process that trains model after model keeps every model's freed activations
 * resident (the full demo's folds and fine-tuning reached 24 GiB). True when an allocator was asked.
 */
export function trimMemory(): boolean {
  return native.trimMemory() as boolean;
}
export function runtimeInfo(): {
  torchVersion: string;
  cudaAvailable: boolean;
  threads: number;
  parallelInfo: string;
} {
  return native.runtimeInfo();
}
/** Run `fn` with autograd recording off (per thread, restored afterwards). */
export function noGrad<T>(fn: () => T): T {
  const prev = native.setGradEnabled(false) as boolean;
  try {
    return fn();
  } finally {
    native.setGradEnabled(prev);
  }
}
/**
 * Run `fn` (synchronous) under libtorch's CPU autocast to bfloat16: its own op lists decide which ops
 * run in bf16 (convolutions, matmuls, linear) and which stay in float32; outputs of bf16 ops are
 * bf16 tensors. Per thread; the previous state is restored and the cache of bf16 weight copies
 * cleared on return (a cached copy would be stale after the next optimizer step). Backward needs
 * no autocast: the recorded graph already holds the bf16 ops.
 */
export function withAutocast<T>(dtype: 'bfloat16', fn: () => T): T {
  const prev = native.autocastEnter(dtype) as boolean;
  try {
    return fn();
  } finally {
    native.autocastExit(prev);
  }
}
/** Whether CPU autocast is on in this thread (tests: nothing is left changed). */
export function autocastEnabled(): boolean {
  return native.autocastEnabled() as boolean;
}
