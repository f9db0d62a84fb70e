/**
 * `qmri compare --run RUN [--config FILE] [--json]`: the classical-versus-quantum head comparison on
 * the run's cached features (RUN/features): every head over the configured seeds, test metrics with
 * bootstrap CIs, McNemar per seed (descriptive), the low-data study and the structured verdicts (each
 * with its p and Holm-adjusted p, the sentence made from the object); with compare.folds = k ≥ 2
 * also the k cross-validation folds (RUN/folds, resumable) and the verdicts over them. Settings come from
 * the experiment config's `compare` section (--config, else RUN/config.json, else the defaults).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runPaths } from '../../run/index.js';
import {
  calibrateVerdict,
  calibrationSentence,
  compareHeads,
  type CompareConfig,
  type FoldedCompareResult,
} from '../../train/index.js';
import { cliProgressSink } from '../../util/progress.js';
import { UsageError } from '../errors.js';
import { EXPERIMENT_SCHEMA } from '../config.js';
import { crossValidate, foldCount } from '../folds.js';
import { configFlag, parseThreads } from '../options.js';
import { runConfig } from './train.js';

interface CompareOptions {
  run: string;
  config?: string;
  json?: boolean;
  seeds?: number;
  threads?: number;
  calibrate?: number;
}

/** A compact JSON summary (the full results, with every seed's probabilities, stay in results.json). */
export function compareSummary(r: FoldedCompareResult, path: string): Record<string, unknown> {
  return {
    results: path,
    classes: r.classes,
    images: r.images,
    heads: r.heads.map((h) => ({
      kind: h.kind,
      params: h.params,
      seeds: h.perSeed.length,
      accuracy: h.accuracy,
      bootstrapAccuracy: h.bootstrapAccuracy,
      balancedAccuracy: h.balancedAccuracy,
      macroF1: h.macroF1,
      macroAuc: h.macroAuc,
      ece: h.ece,
      trainSeconds: h.trainSeconds,
      collapsed: h.collapsed,
      representativeSeed: h.representativeSeed,
    })),
    comparisons: r.comparisons.map((c) => ({
      head: c.head,
      reference: c.reference,
      verdict: c.verdict,
      sentence: c.sentence,
      secondary: c.secondary,
      accuracyDiff: c.accuracyDiff,
      mcnemarP: c.mcnemar.map((m) => m.p),
      ...(c.oneSplit ? { oneSplit: c.oneSplit } : {}),
    })),
    lowData: r.lowData.map((p) => ({
      fraction: p.fraction,
      trainImages: p.trainImages,
      accuracy: Object.fromEntries(p.heads.map((h) => [h.kind, h.accuracy])),
      verdicts: p.verdicts,
      sentences: p.sentences,
    })),
    verdicts: r.verdicts,
    ...(r.tuning
      ? { tuning: { ...r.tuning, heads: r.tuning.heads.map((h) => ({ kind: h.kind, chosen: h.chosen })) } }
      : {}),
    ...(r.finetune ? { finetune: { ...r.finetune, runs: undefined } } : {}),
    groups: r.test.groupSource,
    ...(r.folds ? { folds: r.folds } : {}),
    seconds: r.seconds,
  };
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'train the linear, bottleneck and quantum heads over seeds on the cached features and compare them',
    )
    .requiredOption('--run <dir>', 'run folder (after qmri train)')
    .option('--config <file>', "experiment config (its 'compare' section); default RUN/config.json")
    .option(
      '--seeds <n>',
      'seeds per head (overrides the config)',
      configFlag(EXPERIMENT_SCHEMA.properties.compare.properties.seeds, '--seeds'),
    )
    .option('--threads <n>', 'libtorch threads', parseThreads)
    .option(
      '--calibrate <n>',
      'instead of the comparison: N A/A comparisons of the reference head against itself (independent seeds), how often the verdict says better or worse (with compare.folds: the fold-level verdict too)',
      (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 10_000)
          throw new UsageError(`--calibrate: expected a whole number from 1 to 10000, got '${v}'`);
        return n;
      },
    )
    .option('--json', 'print a JSON summary on stdout')
    .action(async (o: CompareOptions) => {
      const run = resolve(o.run);
      if (!existsSync(run)) throw new UsageError(`${run}: run folder not found`);
      const fromConfig =
        o.config || existsSync(runPaths(run).config) ? runConfig(run, o.config, false) : null;
      const cfg: Partial<CompareConfig> = {
        ...(fromConfig?.compare ?? {}),
        threads: o.threads ?? fromConfig?.threads ?? 2,
        ...(o.seeds ? { seeds: o.seeds } : {}),
      };
      if (o.calibrate) {
        const c = await calibrateVerdict(run, cfg, o.calibrate, {
          log: o.json ? undefined : (l) => process.stderr.write(`${l}\n`),
          progress: cliProgressSink({ json: o.json }),
        });
        const path = runPaths(run).calibration;
        if (o.json) process.stdout.write(JSON.stringify({ calibration: path, ...c }) + '\n');
        else process.stdout.write(`${calibrationSentence(c)}\nresults in ${path}\n`);
        return;
      }
      const hooks = {
        log: o.json ? undefined : (l: string) => process.stderr.write(`${l}\n`),
        progress: cliProgressSink({ json: o.json }),
      };
      const main = await compareHeads(run, cfg, hooks);
      // compare.folds = k ≥ 2: the k fold sub-runs (RUN/folds, resumed) and the verdicts over the folds
      const r =
        fromConfig && foldCount(fromConfig) >= 2
          ? await crossValidate(
              run,
              {
                ...fromConfig,
                threads: cfg.threads!,
                compare: { ...fromConfig.compare, ...(o.seeds ? { seeds: o.seeds } : {}) },
              },
              main,
              hooks,
            )
          : main;
      const p = runPaths(run).compare;
      if (o.json) process.stdout.write(JSON.stringify(compareSummary(r, p)) + '\n');
      else {
        for (const c of r.comparisons) process.stdout.write(`${c.sentence}\n`);
        process.stdout.write(`results in ${p}\n`);
      }
    });
}
