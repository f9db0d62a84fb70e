/**
 * The SHAP explainers: 'features' ones (attributions of a head to the pooled backbone features) and
 * 'spatial' ones (maps over the image). Each is one object (name, label, options, implementation) in
 * its own file; this list is the only place that names them, and method parsing, analyzeCase, the
 * audit, the report and the viewer iterate it. Adding one = one file + one line here, e.g.
 *
 *   // src/explain/shap/exact.ts
 *   export const exactExplainer = featureExplainer(
 *     { name: 'exactshap', label: 'Exact SHAP', description: '…', options: [] }, (m, o) => …);
 * (types.ts: featureExplainer / spatialExplainer; the entry fields are MethodEntry, shared with the
 * CAM methods.)
 */
import { kernelShapExplainer } from './kernel.js';
import { partitionShapExplainer } from './partition.js';
import { permutationShapExplainer } from './permutation.js';
import { shapCamExplainer } from './shapcam.js';
import type { ShapExplainer } from './types.js';

export const SHAP_EXPLAINERS: readonly ShapExplainer[] = [
  kernelShapExplainer,
  permutationShapExplainer,
  shapCamExplainer,
  partitionShapExplainer,
];

export function shapExplainer(name: string): ShapExplainer | undefined {
  return SHAP_EXPLAINERS.find((e) => e.name === name);
}

export {
  featureExplainer,
  spatialExplainer,
  type FeatureShapExplainer,
  type ShapExplainer,
  type ShapOptions,
  type SpatialShapContext,
  type SpatialShapExplainer,
} from './types.js';
