/**
 * What a SHAP explainer is (one registry entry, see index.ts). Two kinds: 'features' explainers
 * attribute a head's output to the pooled backbone features through the masked value function
 * (MaskedHead); 'spatial' explainers give a map over the image, either from the feature
 * attributions (SHAP-CAM) or by masking image regions (Partition SHAP).
 */
import type { Activations } from '../cam-base.js';
import type { CamMap } from '../cams/types.js';
import type { MaskedHead } from '../masked-head.js';
import type { MethodEntry } from '../method-entry.js';
import type { ShapResult } from '../shap-result.js';

export interface ShapOptions {
  /** Kernel SHAP coalitions */
  shapSamples: number;
  /** Permutation SHAP permutations */
  permutations: number;
  partitionGrid: number;
  partitionEvals: number;
  seed: number;
}

export interface FeatureShapExplainer extends MethodEntry<keyof ShapOptions> {
  kind: 'features';
  explain(m: MaskedHead, o: ShapOptions): ShapResult;
}

export interface SpatialShapContext {
  input: Float32Array;
  size: number;
  targetClass: number;
  /** the final feature map and pooled features of the image */
  final: Activations['final'];
  /** the feature attributions of the target class (null when no features explainer ran) */
  phi: Float64Array | null;
  /** class probabilities of B images through this model */
  probs(images: Float32Array, B: number): Float64Array;
  options: ShapOptions;
}

export interface SpatialShapExplainer extends MethodEntry<keyof ShapOptions> {
  kind: 'spatial';
  /** needs the feature attributions (phi) */
  needsPhi: boolean;
  map(ctx: SpatialShapContext): CamMap & { detail?: Record<string, number> };
}

export type ShapExplainer = FeatureShapExplainer | SpatialShapExplainer;

/** A features explainer from its entry and its attribution function. */
export const featureExplainer = (
  entry: MethodEntry<keyof ShapOptions>,
  explain: FeatureShapExplainer['explain'],
): FeatureShapExplainer => ({ kind: 'features', ...entry, explain });

/** A spatial explainer from its entry, whether it needs the feature attributions, and its map. */
export const spatialExplainer = (
  entry: MethodEntry<keyof ShapOptions>,
  needsPhi: boolean,
  map: SpatialShapExplainer['map'],
): SpatialShapExplainer => ({ kind: 'spatial', ...entry, needsPhi, map });
