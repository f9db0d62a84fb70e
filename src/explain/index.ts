/**
 * src/explain — why a model decided, and whether the explanations agree. Owns the CAM methods
 * (Grad-CAM, Grad-CAM++, HiResCAM at any captured layer, LayerCAM fusing layers, gradient-free
 * Score-CAM, pixel-resolution Integrated Gradients; any class, through every head — the hybrid
 * gradient flows through the circuit, saturated tanh units keep theirs), SHAP on the pooled features (Kernel SHAP with the exact
 * additivity constraint, Permutation SHAP, exact Shapley values on the circuit inputs), spatial SHAP
 * (Partition SHAP / Owen values over a grid hierarchy with a blur masker, SHAP-CAM through the final
 * feature maps), the per-image audit (Spearman, top-20% IoU, pointing game, energy in box, flags),
 * faithfulness (deletion / insertion curves and AUCs, faithfulness.ts), the model-parameter
 * randomisation sanity check (sanity.ts: a method whose maps survive re-drawn weights fails, and its
 * Grad-CAM-vs-SHAP disagreement flags are withheld),
 * the plots (overlays, SHAP bar / waterfall / beeswarm, overlay grid; SVG and PNG), and the two entry
 * points used elsewhere:
 *
 *   analyzeCase(open, img, opts?)  one image → CaseAnalysis (see analyze-case.ts), for `qmri predict`
 *                                  and the web viewer;
 *   explainRun(run, cfg, hooks?)   the explain stage → RUN/explain/{audit.json, cases/*, plots}.
 *
 * Two registries, each entry one object (name, label, options, implementation) in its own file,
 * iterated by the CLI, analyzeCase / explainRun, the audit, the report and the viewer:
 *   cams/   CAM methods — gradcam, gradcampp, hirescam, layercam, scorecam, intgrad
 *   shap/   SHAP explainers — kernelshap, permshap (features), shapcam, partition (spatial)
 * Adding a CAM method = cams/<name>.ts exporting a CamMethod + one line in cams/index.ts (its
 * header shows the template); a SHAP explainer likewise in shap/.
 *
 * One small file per method over shared bases: cam-base.ts (forward/backward with capture),
 * src/heads splitHead + masked-head.ts (the SHAP value function, linear in the mask at the first layer),
 * shap-result.ts (result and additivity).
 */
export * from './analyze-case.js';
export * from './explain-run.js';
export * from './audit.js';
export { activations, inputGradients, upsample, DEFAULT_LAYER, type Activations } from './cam-base.js';
export {
  CAM_METHODS,
  camMethod,
  DEFAULT_CAM_OPTIONS,
  gradCam,
  gradCamPlusPlus,
  hiResCam,
  layerCam,
  scoreCam,
  integratedGradients,
  type CamContext,
  type CamMap,
  type CamMethod,
  type CamOptions,
} from './cams/index.js';
export { SHAP_EXPLAINERS, shapExplainer, type ShapExplainer } from './shap/index.js';
export { localizationCap, type LocalizationCap } from './localization-cap.js';
export {
  faithfulness,
  curveAuc,
  DEFAULT_FAITHFULNESS,
  type Faithfulness,
  type FaithfulnessOptions,
} from './faithfulness.js';
export {
  SanityCheck,
  randomizedModels,
  sanityVerdict,
  DEFAULT_SANITY_THRESHOLD,
  SANITY_STAGES,
  type SanityResult,
  type SanityStage,
} from './sanity.js';
export { shapCam } from './shap-cam.js';
export { kernelShap, kernelCoalitions, type KernelShapOptions } from './kernel-shap.js';
export { permutationShap, type PermutationShapOptions } from './permutation-shap.js';
export { circuitInputShap } from './circuit-shap.js';
export { exactShapleyFromValues } from './exact-shap.js';
export { MaskedHead, type Coalition } from './masked-head.js';
export { splitHead, type SplitHead } from '../heads/index.js';
export { partitionShap, cellsToImage, type PartitionResult, type ImageModel } from './partition-shap.js';
export { blurImage } from './blur-masker.js';
export { explainHeads, backboneHead, type ExplainHead, type ModelName } from './explain-heads.js';
export { loadBackground } from './background.js';
export { overlayPng, colormap } from './overlay.js';
export { shapBarSvg, shapWaterfallSvg, beeswarmSvg, overlayGridSvg, svgToPng } from './plots.js';
export type { ShapResult } from './shap-result.js';
