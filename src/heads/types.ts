/**
 * What a head kind is (HeadDef): everything the rest of qmri needs to know about one kind of head
 * that maps pooled features (B×inDim) to class probabilities. Each kind is one file in this folder
 * exporting one HeadDef; the registry (index.ts) is the only place that lists them.
 */
import type { EncoderNorm, HeadModule } from '../nn/index.js';
import type { DressedHeadParams, Evaluator } from '../quantum/index.js';

/** A trained head as plain JSON (RUN/heads/<kind>-seed<k>.json); the rest of the fields are the kind's. */
export interface HeadExport {
  kind: string;
  classes: number;
  inDim: number;
}

/** The comparison settings a head may be sized by (a structural subset of CompareConfig). */
export interface HeadOptions {
  qubits: number;
  layers: number;
  template?: 'strong' | 'basic';
  embedding?: 'X' | 'Y' | 'Z';
  reupload?: boolean;
  /** the hybrid heads' encoder norm (src/nn EncoderNorm); absent = none */
  encoderNorm?: EncoderNorm;
}

export interface HeadShape {
  inDim: number;
  classes: number;
}

/**
 * A head split at its first layer: pre = W·x + b (linear in the features, so linear in any SHAP
 * mask), then a nonlinear remainder mapping a batch of pre-activations to class probabilities.
 */
export interface SplitHead {
  kind: string;
  /** input features d */
  inDim: number;
  /** first-layer width h */
  width: number;
  classes: number;
  /** h×d row-major */
  W: Float64Array;
  /** h */
  b: Float64Array;
  /** B×h pre-activations → B×classes probabilities */
  rest(pre: Float64Array, B: number): Float64Array;
}

export interface HeadDef<E extends HeadExport = HeadExport> {
  /** file-name stem and config name: RUN/heads/<kind>-seed<k>.json, compare.heads */
  kind: string;
  /** the model's name in explanations (audit, report, viewer) */
  explainName: string;
  /** the classical reference every other head is compared with (linear) */
  baseline?: boolean;
  /** a new libtorch module of this kind, sized by the comparison settings */
  create(shape: HeadShape, opts: HeadOptions): HeadModule;
  /** trainable parameters of create(shape, opts) without building it */
  paramCount(shape: HeadShape, opts: HeadOptions): number;
  /** the module's weights as plain JSON */
  export(m: HeadModule): E;
  /** rebuilds the libtorch module (Grad-CAM through the head, fine-tuning, prediction) */
  import(e: E): HeadModule;
  /** throws a message naming `source` and the field when the plain export is malformed */
  validate(e: E, source: string): void;
  /** class probabilities (B×classes) on features (B×inDim), in TypeScript; evaluator: quantum only */
  probs(e: E, x: Float32Array | Float64Array, B: number, opts: { evaluator?: Evaluator }): Float64Array;
  /** the split SHAP explains through */
  split(e: E): SplitHead;
  /** heads with a quantum circuit: its parameters (the noise study, circuit SHAP, viewer, report) */
  circuit?(e: E): DressedHeadParams;
}
