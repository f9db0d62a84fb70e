/** `qmri demo [--quick]`: the embedded default experiment on synthetic phantoms (no downloads). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { cliProgressSink, logVia } from '../../util/progress.js';
import { demoConfig } from '../demo-config.js';
import { parseIntOption, parseSeed, parseThreads } from '../options.js';
import { runExperiment } from '../pipeline.js';
import { NPROC_HELP, printOutcome } from './run.js';

interface DemoOptions {
  quick?: boolean;
  out?: string;
  seed: number;
  threads: number;
  json?: boolean;
  nproc?: number;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'the embedded default: synthetic phantoms → DenseNet121 → classical and quantum heads → comparison → Grad-CAM/SHAP audit → noise sweep → HTML report',
    )
    .option('--quick', 'a smaller run (under 2 minutes on 2 cores)')
    .option('--out <dir>', 'run folder (default runs/demo, or runs/demo-quick with --quick)')
    .option('--seed <n>', 'seed', parseSeed, 7)
    .option('--threads <n>', 'libtorch threads', parseThreads, 2)
    .option('--json', 'print the stage summary as JSON on stdout (no progress bars)')
    .option('--nproc <n>', NPROC_HELP, parseIntOption('--nproc', 1, 256))
    .action(async (o: DemoOptions) => {
      const out = resolve(o.out ?? (o.quick ? 'runs/demo-quick' : 'runs/demo'));
      const cfg = demoConfig({ quick: o.quick, out, seed: o.seed, threads: o.threads });
      const progress = cliProgressSink({ json: o.json });
      const r = await runExperiment(cfg, {
        log: o.json ? undefined : logVia(progress),
        progress,
        nproc: o.nproc,
      });
      printOutcome(r, o.json);
      if (!o.json) process.stdout.write(`open the report: ${r.report ?? '(report disabled)'}\n`);
    });
}
