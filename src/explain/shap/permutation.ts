/** Permutation SHAP on the pooled features (permutation-shap.ts), with standard errors. */
import { permutationShap } from '../permutation-shap.js';
import { featureExplainer } from './types.js';

export const permutationShapExplainer = featureExplainer(
  {
    name: 'permshap',
    label: 'Permutation SHAP',
    description: 'antithetic feature permutations, exact additivity, per-feature standard errors',
    options: ['permutations', 'seed'],
  },
  (m, o) => permutationShap(m, { permutations: o.permutations, seed: o.seed }),
);
