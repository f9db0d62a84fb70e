/** What a test-time augmentation view is (TtaView): one file per view in this folder, listed once in index.ts. */

export interface TtaView {
  /** the config name (backbone.tta) */
  name: string;
  /** a short label for logs and the report */
  label: string;
  /**
   * The view of a batch of m images, each of per-sample shape `shape` (…×H×W, flattened row-major),
   * as a new array (the input is not changed).
   */
  apply(x: Float32Array, m: number, shape: readonly number[]): Float32Array;
}
