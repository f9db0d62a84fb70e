/** SHAP-CAM (shap-cam.ts): the feature attributions projected to space through the final feature maps. */
import { shapCam } from '../shap-cam.js';
import { spatialExplainer } from './types.js';

export const shapCamExplainer = spatialExplainer(
  {
    name: 'shapcam',
    label: 'SHAP-CAM',
    description: 'Σ_k φ_k·A_k / Σ A_k over the final feature maps',
    options: [],
  },
  true,
  (ctx) => shapCam(ctx.final, ctx.phi!, ctx.size),
);
