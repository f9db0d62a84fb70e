/** `qmri demo`: the embedded default job on synthetic phantoms (no downloads). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runDemo } from '../../train/index.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run the embedded default job: synthetic phantoms → DenseNet121 → classical and quantum heads → comparison',
    )
    .option('--quick', 'a smaller, faster run (about a minute)')
    .option('--out <dir>', 'run folder', 'runs/demo')
    .option('--seed <n>', 'seed', (v) => Number.parseInt(v, 10), 7)
    .option('--threads <n>', 'libtorch threads', (v) => Number.parseInt(v, 10), 2)
    .option('--json', 'print the results as JSON on stdout')
    .action((o: { quick?: boolean; out: string; seed: number; threads: number; json?: boolean }) => {
      const out = resolve(o.out);
      const r = runDemo({
        out,
        quick: o.quick,
        seed: o.seed,
        threads: o.threads,
        log: o.json ? undefined : (l) => process.stderr.write(`${l}\n`),
      });
      if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
      else process.stdout.write(`\nqmri demo finished: results in ${out}/results.json\n`);
    });
}
