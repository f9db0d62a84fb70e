/** Loads the libtorch N-API addon built by scripts/setup.sh (native/build/Release/qmri_native.node). */
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
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface NativeAddon {
  NativeTensor: new () => NativeHandle;
  NativeOptimizer: new (
    kind: string,
    params: NativeHandle[],
    options: Record<string, unknown>,
  ) => NativeOptimizer;
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

export const native: NativeAddon = load();
