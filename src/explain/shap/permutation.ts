/** Permutation SHAP on the pooled features (permutation-shap.ts), with standard errors. */
import { permutationShap } from '../permutation-shap.js';
import type { FeatureShapExplainer } from './types.js';

export const permutationShapExplainer: FeatureShapExplainer = {
  kind: 'features',
  name: 'permshap',
  label: 'Permutation SHAP',
  description: 'antithetic feature permutations, exact additivity, per-feature standard errors',
  options: ['permutations', 'seed'],
  explain: (m, o) => permutationShap(m, { permutations: o.permutations, seed: o.seed }),
};
