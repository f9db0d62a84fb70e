/**
 * `qmri train --run RUN [--config FILE] [--json]`: the data, backbone and feature stages of a run
 * folder — prepare the data (manifest, audit, grouped split), train the DenseNet backbone (resuming
 * RUN/backbone/checkpoint.safetensors when it exists), then cache the pooled features of every split.
 * The config is the experiment config (`qmri run`); without --config, RUN/config.json is used.
 * Data parallel: `--nproc N` runs N local ranks; `--rank/--world-size/--master-addr/--master-port` (or
 * RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT) join ranks across machines (src/engine/distributed.ts).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { prepareData, writePhantomDataset } from '../../data/index.js';
import { ProcessGroup, checkDistOptions, distOptionsFromEnv, type DistOptions } from '../../engine/index.js';
import { runPaths } from '../../run/index.js';
import { extractFeatures, trainBackbone } from '../../train/index.js';
import { writeJsonAtomic } from '../../util/atomic.js';
import { readJsonFile } from '../../util/json-file.js';
import { cliProgressSink } from '../../util/progress.js';
import { loadConfig, resolveConfig, type ExperimentConfig } from '../config.js';
import { dataConfigOf, prepareRunData } from '../stages/index.js';
import { UsageError } from '../errors.js';
import { configFlag, parseIntOption, parseThreads } from '../options.js';
import { BackboneSchema } from '../../config/index.js';
import { launchLocalRanks } from '../launch.js';

interface TrainOptions {
  run: string;
  config?: string;
  json?: boolean;
  threads?: number;
  timeLimit?: number;
  nproc?: number;
  rank?: number;
  worldSize?: number;
  masterAddr?: string;
  masterPort?: number;
}

/** --rank/--world-size/--master-addr/--master-port, else RANK/WORLD_SIZE/...; null: one process. */
function distOptions(o: TrainOptions): DistOptions | null {
  const fromEnv = distOptionsFromEnv();
  if (o.worldSize === undefined && o.rank === undefined) return fromEnv;
  return checkDistOptions({
    rank: o.rank ?? fromEnv?.rank ?? 0,
    worldSize: o.worldSize ?? fromEnv?.worldSize ?? 1,
    masterAddr: o.masterAddr ?? fromEnv?.masterAddr ?? '127.0.0.1',
    masterPort: o.masterPort ?? fromEnv?.masterPort ?? 29500,
  });
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
    throw new UsageError(
      `${stored}: no config in this run folder; pass --config FILE (for real data: the published recipe, examples/brain-tumor-mri.yaml)`,
    );
  return resolveConfig(
    readJsonFile(stored, (m) => new UsageError(m)),
    stored,
  );
}

export async function runTrain(o: TrainOptions): Promise<Record<string, unknown>> {
  const d = distOptions(o);
  const dist = d && d.worldSize > 1 ? ProcessGroup.init(d) : undefined;
  try {
    return await runTrainRank(o, dist);
  } finally {
    dist?.destroy();
  }
}

// one rank's work: rank 0 prepares the data and writes every file; the others train beside it
async function runTrainRank(
  o: TrainOptions,
  dist: ProcessGroup | undefined,
): Promise<Record<string, unknown>> {
  const lead = !dist || dist.rank === 0;
  const run = resolve(o.run);
  if (!lead) dist!.barrier(); // rank 0 stores the config and prepares the data first
  const cfg = runConfig(run, o.config, lead);
  const log = o.json ? () => {} : (l: string) => process.stderr.write(`${l}\n`);
  const progress = cliProgressSink({ json: o.json });
  const threads = o.threads ?? cfg.threads;
  if (cfg.data.synthetic) {
    const dir = runPaths(run).phantomsDir;
    if (!existsSync(dir)) await writePhantomDataset(dir, cfg.data.synthetic);
  }
  // every data setting (removeDuplicates, duplicateDistance, badInput, maxPixels included) and the
  // cross-source proxy (data.proxy), as `qmri run`; the other ranks read what rank 0 wrote
  const manifest = lead
    ? await prepareRunData(run, cfg, { log })
    : await prepareData(run, dataConfigOf(run, cfg), {});
  if (lead) dist?.barrier();
  log(`data: ${manifest.entries.length} images, classes ${manifest.classes.join(', ')}`);
  const backbone = await trainBackbone(
    run,
    {
      ...cfg.backbone,
      seed: cfg.seed,
      threads,
      ...(o.timeLimit !== undefined ? { timeLimitMinutes: o.timeLimit } : {}),
    },
    { log, progress, preprocess: cfg.data.preprocess, dist },
  );
  if (backbone.stopped === 'time-limit')
    log('the time limit stopped training: features are extracted from the best epoch so far');
  if (lead) await extractFeatures(run, { threads, progress, log, maps: ['test'], tta: cfg.backbone.tta });
  const p = runPaths(run);
  return {
    ...(dist ? { rank: dist.rank, worldSize: dist.worldSize } : {}),
    run,
    manifest: p.manifest,
    backbone: {
      epochsDone: backbone.epochsDone,
      bestEpoch: backbone.bestEpoch,
      stopped: backbone.stopped,
      elapsedSeconds: backbone.elapsedSeconds,
      testAccuracy: backbone.test.accuracy,
      testMacroF1: backbone.test.macroF1,
      // the cross-source proxy (RUN/data/proxy, `qmri data proxy`), when the run has one
      ...(backbone.proxy ? { proxyAccuracy: backbone.proxy.accuracy } : {}),
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
    .option(
      '--nproc <n>',
      'data-parallel training in N local processes (c10d/Gloo)',
      parseIntOption('--nproc', 1, 1024),
    )
    .option('--rank <r>', 'this process’s rank (default: RANK)', parseIntOption('--rank', 0, 65535))
    .option(
      '--world-size <n>',
      'number of processes (default: WORLD_SIZE)',
      parseIntOption('--world-size', 1, 65536),
    )
    .option('--master-addr <host>', 'rank 0’s address (default: MASTER_ADDR, else 127.0.0.1)')
    .option(
      '--master-port <port>',
      'rank 0’s port (default: MASTER_PORT, else 29500)',
      parseIntOption('--master-port', 1, 65535),
    )
    .action(async (o: TrainOptions) => {
      if (o.nproc !== undefined && o.nproc > 1 && process.env.RANK === undefined) {
        process.exitCode = await launchLocalRanks(o.nproc);
        return;
      }
      const r = await runTrain(o);
      if ((r as { rank?: number }).rank) return; // only rank 0 prints
      if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
      else process.stdout.write(`backbone and features in ${r.run}\n`);
    });
}
