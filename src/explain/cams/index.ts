/**
 * The CAM methods: spatial explanations computed from one explained model (backbone + head). Each
 * is one object (name, label, options, compute) in its own file; this list is the only place that
 * names them, and the CLI option parsing, analyzeCase / explainRun, the audit, the report and the web
 * viewer iterate it. Adding a method:
 *
 *   // src/explain/cams/my-cam.ts
 *   export const mycamMethod: CamMethod = { name: 'mycam', label: 'My-CAM', description: '…',
 *     options: ['layer'], gradient: true, compute: (ctx) => … ctx.grads(ctx.options.layer) … };
 *   // here: import it and add one line to CAM_METHODS.
 * A method of one layer's activations and gradients can be written
 * `singleLayerMethod('mycam', 'My-CAM', '…', (a, size) => …)` (single-layer.ts, as Grad-CAM is).
 */
import { gradcamMethod } from './gradcam.js';
import { gradcamppMethod } from './gradcampp.js';
import { hirescamMethod } from './hirescam.js';
import { igradcamMethod } from './integrated-gradcam.js';
import { intgradMethod } from './integrated-gradients.js';
import { layercamMethod } from './layercam.js';
import { scorecamMethod } from './scorecam.js';
import type { CamMethod } from './types.js';

export const CAM_METHODS: readonly CamMethod[] = [
  gradcamMethod,
  gradcamppMethod,
  hirescamMethod,
  layercamMethod,
  scorecamMethod,
  intgradMethod,
  igradcamMethod,
];

export function camMethod(name: string): CamMethod | undefined {
  return CAM_METHODS.find((m) => m.name === name);
}

export { gradCam } from './gradcam.js';
export { gradCamPlusPlus } from './gradcampp.js';
export { hiResCam } from './hirescam.js';
export { layerCam, layerCamRaw } from './layercam.js';
export { scoreCam } from './scorecam.js';
export { integratedGradients, igCam } from './integrated-gradients.js';
export { integratedGradCam } from './integrated-gradcam.js';
export {
  DEFAULT_CAM_OPTIONS,
  type CamContext,
  type CamMap,
  type CamMethod,
  type CamOptions,
} from './types.js';
