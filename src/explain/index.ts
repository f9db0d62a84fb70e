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
 *   cams/   CAM methods — gradcam, gradcampp, hirescam, layercam, scorecam, intgrad, igradcam
 *   shap/   SHAP explainers — kernelshap, permshap (features), shapcam, partition (spatial)
 * Adding a CAM method = cams/<name>.ts exporting a CamMethod + one line in cams/index.ts (its
 * header shows the template); a SHAP explainer likewise in shap/.
 *
 * One small file per method over shared bases: cam-base.ts (forward/backward with capture),
 * src/heads splitHead + masked-head.ts (the SHAP value function, linear in the mask at the first layer),
 * shap-result.ts (shapResult: every method's result and its additivity check), method-entry.ts (the
 * name, label, description and options every registry entry has), cams/single-layer.ts (the
 * single-layer gradient CAMs' entry and channel-weight map).
 */
export * from './analyze-case.js';
export * from './method-entry.js';
export * from './explain-run.js';
export * from './audit.js';
export * from './cam-base.js';
export * from './cams/index.js';
export * from './shap/index.js';
export * from './localization-cap.js';
export * from './faithfulness.js';
export * from './sanity.js';
export * from './shap-cam.js';
export * from './kernel-shap.js';
export * from './permutation-shap.js';
export * from './circuit-shap.js';
export * from './exact-shap.js';
export * from './masked-head.js';
export * from './partition-shap.js';
export * from './blur-masker.js';
export * from './explain-heads.js';
export * from './background.js';
export * from './overlay.js';
export * from './plots.js';
export * from './shap-result.js';
