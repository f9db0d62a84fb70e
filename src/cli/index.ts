/**
 * src/cli — the `qmri` command line (commander) and the experiment pipeline it drives.
 *   main.ts         builds the program; errors become one line on stderr and a non-zero exit (errors.ts)
 *   commands/*.ts   one subcommand each (run, demo, data, train, compare, explain, predict, noise,
 *                   report, serve, circuit, embed)
 *   options.ts      shared flag parsers (a config key's flag takes its range from src/config)
 *   launch.ts       --nproc N: the same command as N local ranks
 *   config.ts       the experiment config: YAML/JSON validated against src/config's one definition,
 *                   defaults filled in, unknown keys rejected by name with a "did you mean"
 *   pipeline.ts     runExperiment: the stages of the registry stages/ (data → backbone → features →
 *                   compare → explain → noise → report) into one run folder, each stage skipped when
 *                   done for the same config
 *   stage-walk.ts   the stage walk itself (RUN/stages.json, hash chain, redo), also used per fold
 *   folds.ts        compare.folds = k: grouped k-fold cross-validation, one sub-run per fold
 *   demo-config.ts  the built-in config of `qmri demo` (and --quick)
 * bin/qmri launches it with the libtorch runtime environment.
 */
export * from './main.js';
export * from './config.js';
export * from './pipeline.js';
export * from './demo-config.js';
