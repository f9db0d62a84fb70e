/**
 * The compute device as a setting: 'cpu' (the default) or 'cuda[:n]' (a CUDA build of libtorch, see
 * QMRI_LIBTORCH in scripts/setup.sh). Every tensor the engine creates without an explicit device goes
 * to the current device, so models, buffers, inputs and checkpoints loaded inside `withDevice` live
 * there; optimiser state follows its parameters and the quantum layer's VJP boundary follows z.
 *
 *   withDevice('cuda:0', () => train(...))   scoped: the previous device is restored afterwards (also
 *                                             when fn returns a Promise, once it settles)
 *   withDeviceCheck('cuda:0', fn)            the device-tagging assertion, on any build: tensors are
 *                                             tagged with the device they would be on, every engine call
 *                                             fails if its tensors' tags differ (as libtorch would on a
 *                                             GPU), so a test on CPU proves no tensor is forgotten.
 */
import { native, setCallHook, type CallHook } from './native.js';

let current = 'cpu';

/** The device new tensors are created on. */
export function defaultDevice(): string {
  return current;
}

/** Checks a device string's form: 'cpu', 'cuda' or 'cuda:N'. */
export function parseDevice(device: string): string {
  if (device === 'cpu' || /^cuda(:\d+)?$/.test(device)) return device;
  throw new Error(`unknown device '${device}' (expected 'cpu' or 'cuda[:N]')`);
}

/** Resolve a device string: 'cpu', or 'cuda' / 'cuda:N' when libtorch is a CUDA build with a GPU. */
export function resolveDevice(device: string | undefined): string {
  const d = parseDevice(device ?? 'cpu');
  if (d !== 'cpu' && !(native.runtimeInfo() as { cudaAvailable: boolean }).cudaAvailable)
    throw new Error(
      `device '${d}' requested but this libtorch has no usable CUDA (build with QMRI_LIBTORCH)`,
    );
  return d;
}

function scoped<T>(set: () => () => void, fn: () => T): T {
  const restore = set();
  let pending = false;
  try {
    const r = fn();
    if (r instanceof Promise) {
      pending = true;
      return r.finally(restore) as T;
    }
    return r;
  } finally {
    if (!pending) restore();
  }
}

/**
 * Make `device` (validated) the current device until the returned function is called (for a
 * command's lifetime, as the CLI's --device does); prefer withDevice.
 */
export function enterDevice(device: string | undefined): () => void {
  const d = resolveDevice(device);
  const prev = current;
  current = d;
  return () => {
    current = prev;
  };
}

/** Run fn with new tensors created on `device` (validated); restores the previous device. */
export function withDevice<T>(device: string | undefined, fn: () => T): T {
  return scoped(() => enterDevice(device), fn);
}

// argument position of the device in the engine's creation calls
const CREATION: Record<string, number> = { fromFloat32: 2, fromInt64: 2, create: 3 };

function taggingHook(): CallHook {
  const tags = new WeakMap<object, string>();
  const isHandle = (a: unknown): a is object => a instanceof native.NativeTensor;
  const tagOf = (h: object) => tags.get(h) ?? 'cpu';
  return (name, fn, args) => {
    const seen = new Set<string>();
    const visit = (a: unknown): void => {
      if (isHandle(a)) seen.add(tagOf(a));
      else if (Array.isArray(a)) a.forEach(visit);
    };
    args.forEach(visit);
    if (seen.size > 1) throw new Error(`device check: ${name}() mixes tensors on ${[...seen].join(' and ')}`);
    let target = [...seen][0] ?? current;
    const call = [...args];
    if (name === 'toDevice') {
      target = parseDevice(String(args[1]));
      call[1] = 'cpu';
    } else if (name in CREATION) {
      target = (args[CREATION[name]] as string | undefined) ?? 'cpu';
      call[CREATION[name]] = undefined;
    }
    const r = fn(...call);
    if (isHandle(r)) tags.set(r, target);
    if (name === 'info' && r && typeof r === 'object')
      (r as { device: string }).device = tagOf(args[0] as object);
    return r;
  };
}

/**
 * Run fn as if `device` were the configured device, on any build: tensors are CPU tensors tagged
 * with the device they would be on; an engine call mixing tags throws "device check: ...".
 */
export function withDeviceCheck<T>(device: string, fn: () => T): T {
  const d = parseDevice(device);
  return scoped(() => {
    const prev = current;
    const prevHook = setCallHook(taggingHook());
    current = d;
    return () => {
      current = prev;
      setCallHook(prevHook);
    };
  }, fn);
}
