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
