/**
 * What every entry of src/explain's registries says about itself — CAM methods (cams/) and SHAP
 * explainers (shap/) alike: the name used in --methods, the config, audit.json and file names, the
 * human label, one line on what it computes, and the option keys it reads. The CLI, the audit, the
 * report and the viewer read these fields without knowing which registry an entry comes from.
 */
export interface MethodEntry<O extends string> {
  name: string;
  label: string;
  description: string;
  options: readonly O[];
}
