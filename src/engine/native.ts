/**
 * Loads the libtorch N-API addon built by scripts/setup.sh (native/build/Release/qmri_native.node);
 * its source is native/src (the binding table in native/src/binding.cc).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const addonPath = fileURLToPath(new URL('../../native/build/Release/qmri_native.node', import.meta.url));

export interface NativeHandle {
  dispose(): void;
  isDisposed(): boolean;
}

export interface NativeOptimizer {
  step(): void;
  zeroGrad(): void;
  setLr(lr: number): void;
  saveState(): Buffer;
  loadState(b: Buffer): void;
  dispose(): void;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface NativeAddon {
  NativeTensor: new () => NativeHandle;
  NativeOptimizer: new (
    kind: string,
    params: NativeHandle[],
    options: Record<string, unknown>,
  ) => NativeOptimizer;
  NativeProcessGroup: new (options: Record<string, unknown>) => unknown;
  [fn: string]: any;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function load(): NativeAddon {
  if (!existsSync(addonPath)) {
    throw new Error(
      `qmri native addon not built (${addonPath} is missing): run 'bash scripts/setup.sh' (needs Debian's libtorch-dev)`,
    );
  }
  const require = createRequire(import.meta.url);
  return require(addonPath) as NativeAddon;
}

/** @internal a wrapper around every addon function call (device.ts's device-tagging check). */
export type CallHook = (name: string, fn: (...args: unknown[]) => unknown, args: unknown[]) => unknown;
let hook: CallHook | null = null;

/** @internal install (or clear) the call hook; returns the previous one. */
export function setCallHook(h: CallHook | null): CallHook | null {
  const prev = hook;
  hook = h;
  return prev;
}

const addon = load();
/** The addon; while a call hook is installed its functions (not its classes) go through the hook. */
export const native: NativeAddon = new Proxy(addon, {
  get(target, key: string) {
    const v: unknown = target[key];
    if (hook === null || typeof v !== 'function' || key.startsWith('Native')) return v;
    const h = hook;
    return (...args: unknown[]) => h(key, v as (...a: unknown[]) => unknown, args);
  },
});
