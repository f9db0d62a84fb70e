/**
 * `qmri ensemble --run RUN [--folds 1,2,…] [--manifest FILE] [--split test] [--json]`: the k-fold
 * backbone ensemble for inference (compare.folds = k): the fold backbones' softmax probabilities
 * averaged on one labelled split (by default the run's test split), with the run's backbone.tta
 * views; its metrics beside each fold's alone in RUN/ensemble/metrics.json (src/train
 * scoreFoldEnsemble). It says how many scored images some fold trained or validated on: on the run's
 * own test split that is most of them, so only another manifest gives a held-out estimate.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { SplitName, TtaName } from '../../data/index.js';
import { runPaths, runTta } from '../../run/index.js';
import { scoreFoldEnsemble, type EnsembleResult } from '../../train/index.js';
import { UsageError } from '../errors.js';
import { existingRun, parseThreads } from '../options.js';

interface EnsembleCliOptions {
  run: string;
  folds?: number[];
  manifest?: string;
  split: SplitName;
  threads: number;
  json?: boolean;
}

/** '1,3' → [0, 2] (the sub-runs are named from 1) */
function parseFolds(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  if (!parts.every((s) => /^\d+$/.test(s) && Number(s) >= 1))
    throw new UsageError(`--folds: expected fold numbers from 1, comma-separated, got '${v}'`);
  return [...new Set(parts.map((s) => Number(s) - 1))];
}

function parseSplit(v: string): SplitName {
  if (v !== 'train' && v !== 'val' && v !== 'test')
    throw new UsageError(`--split: expected train, val or test, got '${v}'`);
  return v;
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

function printText(r: EnsembleResult, path: string): void {
  const w = (s: string) => process.stdout.write(s + '\n');
  w(
    `ensemble of folds ${r.folds.join(', ')} on ${r.manifest} (${r.split}, ${r.images} images${r.tta ? `, TTA ${r.tta.join(' + ')}` : ''}):`,
  );
  w(`  ensemble  accuracy ${pct(r.metrics.accuracy)}, macro-F1 ${r.metrics.macroF1.toFixed(4)}`);
  for (const f of r.perFold)
    w(`  fold ${f.fold}    accuracy ${pct(f.metrics.accuracy)}, macro-F1 ${f.metrics.macroF1.toFixed(4)}`);
  if (r.seen.images > 0)
    w(
      `  note: ${r.seen.images} of these ${r.images} images were in the training or validation data of some fold (per fold: ${r.seen.byFold.join(', ')}): the figures are optimistic, not a held-out estimate`,
    );
  w(`  written: ${path}`);
}

export function registerEnsemble(program: Command): void {
  program
    .command('ensemble')
    .description("average the k-fold backbones' softmax outputs on a labelled split (compare.folds = k)")
    .requiredOption('--run <dir>', 'run folder trained with compare.folds = k ≥ 2 (RUN/folds/fold-<i>)')
    .option('--folds <list>', 'the folds to average, e.g. 1,3 (default: every trained fold)', parseFolds)
    .option('--manifest <file>', 'score this manifest’s split instead (default RUN/data/manifest.json)')
    .option('--split <name>', 'the split scored: train, val or test', parseSplit, 'test')
    .option('--threads <n>', 'libtorch threads', parseThreads, 2)
    .option('--json', 'print one JSON document on stdout')
    .action(async (o: EnsembleCliOptions) => {
      const run = existingRun(resolve(o.run));
      const r = await scoreFoldEnsemble(run, {
        folds: o.folds,
        manifest: o.manifest ? resolve(o.manifest) : undefined,
        split: o.split,
        tta: runTta(run) as TtaName[] | undefined,
        threads: o.threads,
      });
      const path = runPaths(run).ensembleMetrics;
      if (o.json) process.stdout.write(JSON.stringify({ ...r, probs: undefined, results: path }) + '\n');
      else printText(r, path);
    });
}
