/**
 * src/cli — the `qmri` command line (commander) and the experiment pipeline it drives.
 *   main.ts         builds the program; errors become one line on stderr and a non-zero exit
 *   commands/*.ts   one subcommand each (run, demo, predict, report here; the others by their owners)
 *   config.ts       the experiment config: YAML/JSON validated by an ajv schema, defaults filled in,
 *                   unknown keys rejected by name with a "did you mean"
 *   pipeline.ts     runExperiment: phantoms → data → backbone → features → compare → explain → noise
 *                   → report into one run folder, each stage skipped when done for the same config
 *   stage-walk.ts   the stage walk itself (RUN/stages.json, hash chain, redo), also used per fold
 *   folds.ts        compare.folds = k: grouped k-fold cross-validation, one sub-run per fold
 *   demo-config.ts  the built-in config of `qmri demo` (and --quick)
 * bin/qmri launches it with the libtorch runtime environment.
 */
export { buildProgram } from './main.js';
export { EXPERIMENT_SCHEMA, loadConfig, resolveConfig, didYouMean, type ExperimentConfig } from './config.js';
export { runExperiment, preflight, STAGES, type RunOutcome, type StageOutcome } from './pipeline.js';
export { demoConfig } from './demo-config.js';
