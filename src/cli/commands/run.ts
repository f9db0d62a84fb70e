/**
 * `qmri run --config experiment.yaml [--out RUN] [--nproc N]`: the whole pipeline from one config file;
 * `--nproc N` spreads the stages that shard their work (the noise study) over N local processes.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { stringify as stringifyYaml } from 'yaml';
import { withDevice } from '../../engine/index.js';
import { cliProgressSink, logVia } from '../../util/progress.js';
import { loadConfig } from '../config.js';
import { runExperiment, type RunOutcome } from '../pipeline.js';
import { parseIntOption, parseThreads } from '../options.js';

/** `--nproc` of the commands that run the pipeline (run, demo). */
export const NPROC_HELP =
  'local worker processes for the stages that shard their work (the noise study); results as one process';

export function printOutcome(r: RunOutcome, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  const w = (s: string) => process.stdout.write(s + '\n');
  w(`\nrun folder: ${r.run} (${r.seconds.toFixed(0)} s)`);
  for (const s of r.stages)
    w(
      `  ${s.stage.padEnd(9)} ${s.state.padEnd(8)}${s.state === 'done' ? ` ${s.seconds.toFixed(1)} s` : ''}${s.note ? `  ${s.note}` : ''}`,
    );
  if (r.report) w(`report: ${r.report}`);
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'run the whole pipeline from one experiment config (YAML/JSON): data → backbone → features → heads → explain → noise → report; a rerun resumes',
    )
    .requiredOption('--config <file>', 'experiment config (YAML or JSON); unknown keys are rejected by name')
    .option('--out <dir>', 'run folder (overrides the config’s out)')
    .option('--threads <n>', 'libtorch threads (overrides the config’s threads)', parseThreads)
    .option(
      '--dry-run',
      'validate the config and print it resolved (defaults filled in) as YAML, or JSON with --json',
    )
    .option('--json', 'print the stage summary as JSON on stdout (no progress bars)')
    .option('--nproc <n>', NPROC_HELP, parseIntOption('--nproc', 1, 256))
    .action(
      async (o: {
        config: string;
        nproc?: number;
        out?: string;
        threads?: number;
        dryRun?: boolean;
        json?: boolean;
        device?: string;
      }) => {
        const cfg = loadConfig(o.config);
        if (o.out) cfg.out = o.out;
        if (o.threads) cfg.threads = o.threads;
        cfg.out = resolve(cfg.out);
        if (o.dryRun) {
          process.stdout.write(o.json ? JSON.stringify(cfg) + '\n' : stringifyYaml(cfg));
          return;
        }
        const progress = cliProgressSink({ json: o.json });
        // --device (set by main for the command) wins over the config's device key
        const run = () =>
          runExperiment(cfg, { log: o.json ? undefined : logVia(progress), progress, nproc: o.nproc });
        const r = await (o.device === undefined ? withDevice(cfg.device, run) : run());
        printOutcome(r, o.json);
      },
    );
}
