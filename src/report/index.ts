/**
 * src/report — the self-contained HTML report of a run (`writeReport(run)` → RUN/report.html): a
 * one-screen summary (primary metric per head, every verdict label, explain and noise headlines),
 * dataset audit, training curves, the head comparison with CIs and structured verdicts (verdicts.ts:
 * table, forest plot, methods), confusion matrices, ROC curves, calibration, the Grad-CAM / SHAP gallery (flagged cases first), noise curves, the circuit diagram
 * and a reproducibility block. Each section renders from the files its stage wrote and says "not run"
 * when they are absent. Charts: Vega-Lite rendered server-side to SVG by vega, PNG by sharp
 * (src/util/charts.ts, shared with the noise study); every chart is also written to RUN/report/plots/.
 */
export * from './repro.js';
export * from './write-report.js';
