/** Kernel SHAP on the pooled features (kernel-shap.ts): sampled coalitions, exact additivity. */
import { kernelShap } from '../kernel-shap.js';
import { featureExplainer } from './types.js';

export const kernelShapExplainer = featureExplainer(
  {
    name: 'kernelshap',
    label: 'Kernel SHAP',
    description: 'weighted regression over sampled feature coalitions, additivity enforced',
    options: ['shapSamples', 'seed'],
  },
  (m, o) => kernelShap(m, { nsamples: o.shapSamples, seed: o.seed }),
);
