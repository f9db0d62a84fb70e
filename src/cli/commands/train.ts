/**
 * `qmri train --run RUN [--config FILE] [--json]`: the data, backbone and feature stages of a run
 * folder — prepare the data (manifest, audit, grouped split), train the DenseNet backbone (resuming
 * RUN/backbone/checkpoint.safetensors when it exists), then cache the pooled features of every split.
 * The config is the experiment config (`qmri run`); without --config, RUN/config.json is used.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { prepareData, writePhantomDataset } from '../../data/index.js';
import { runPaths } from '../../run/index.js';
import { extractFeatures, trainBackbone } from '../../train/index.js';
import { writeJsonAtomic } from '../../util/atomic.js';
import { cliProgressSink } from '../../util/progress.js';
import { loadConfig, resolveConfig, type ExperimentConfig } from '../config.js';
import { dataConfigOf } from '../stages/index.js';
import { UsageError } from '../errors.js';
import { configFlag, parseThreads } from '../options.js';
import { BackboneSchema } from '../../config/index.js';

interface TrainOptions {
  run: string;
  config?: string;
  json?: boolean;
  threads?: number;
  timeLimit?: number;
}

/** The experiment config of a run: --config (then stored as RUN/config.json), else RUN/config.json. */
export function runConfig(run: string, configFile: string | undefined, store = true): ExperimentConfig {
  const stored = runPaths(run).config;
  if (configFile) {
    const cfg = loadConfig(configFile);
    if (store) writeJsonAtomic(stored, cfg);
    return cfg;
  }
  if (!existsSync(stored))
    throw new UsageError(`${stored}: no config in this run folder; pass --config FILE`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(stored, 'utf8'));
  } catch (err) {
    throw new UsageError(`${stored}: not valid JSON (${(err as Error).message})`);
  }
  return resolveConfig(raw, stored);
}

export async function runTrain(o: TrainOptions): Promise<Record<string, unknown>> {
  const run = resolve(o.run);
  const cfg = runConfig(run, o.config);
  const log = o.json ? () => {} : (l: string) => process.stderr.write(`${l}\n`);
  const progress = cliProgressSink({ json: o.json });
  const threads = o.threads ?? cfg.threads;
  if (cfg.data.synthetic) {
    const dir = runPaths(run).phantomsDir;
    if (!existsSync(dir)) await writePhantomDataset(dir, cfg.data.synthetic);
  }
  // every data setting (removeDuplicates, duplicateDistance, badInput, maxPixels included), as `qmri run`
  const manifest = await prepareData(run, dataConfigOf(run, cfg), { log });
  log(`data: ${manifest.entries.length} images, classes ${manifest.classes.join(', ')}`);
  const backbone = await trainBackbone(
    run,
    {
      ...cfg.backbone,
      seed: cfg.seed,
      threads,
      ...(o.timeLimit !== undefined ? { timeLimitMinutes: o.timeLimit } : {}),
    },
    { log, progress, preprocess: cfg.data.preprocess },
  );
  if (backbone.stopped === 'time-limit')
    log('the time limit stopped training: features are extracted from the best epoch so far');
  await extractFeatures(run, { threads, progress, log, maps: ['test'] });
  const p = runPaths(run);
  return {
    run,
    manifest: p.manifest,
    backbone: {
      epochsDone: backbone.epochsDone,
      bestEpoch: backbone.bestEpoch,
      stopped: backbone.stopped,
      elapsedSeconds: backbone.elapsedSeconds,
      testAccuracy: backbone.test.accuracy,
      testMacroF1: backbone.test.macroF1,
      metrics: p.backboneMetrics,
    },
    features: ['train', 'val', 'test'].map((s) => p.features(s)),
  };
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'prepare the data, train the DenseNet backbone (resumable) and cache its features for a run folder',
    )
    .requiredOption('--run <dir>', 'run folder')
    .option('--config <file>', 'experiment config (YAML or JSON); default RUN/config.json')
    .option('--threads <n>', 'libtorch threads (default: the config’s)', parseThreads)
    .option(
      '--time-limit <minutes>',
      'stop before an epoch that would end past this (resume later); at least one epoch runs',
      configFlag(BackboneSchema.properties.timeLimitMinutes, '--time-limit'),
    )
    .option('--json', 'print a JSON summary on stdout')
    .action(async (o: TrainOptions) => {
      const r = await runTrain(o);
      if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
      else process.stdout.write(`backbone and features in ${r.run}\n`);
    });
}
