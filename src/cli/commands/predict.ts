/**
 * `qmri predict --run RUN IMAGE... [--json]`: per image, every head's class probabilities and
 * predicted class, Grad-CAM overlay PNGs (written next to each other in --out) and the top SHAP
 * features, through analyzeCase (src/explain) on images preprocessed as the backbone was trained;
 * with the run's backbone.tta, each head's probabilities come from the pooled features averaged over
 * the test-time augmentation views, as the heads' training features were.
 * `--nproc N` spreads the images over N workers (this process and N-1 local processes) and merges
 * their results in input order (the same JSON and overlay names as one process).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { preprocessFile, type PreprocessConfig } from '../../data/index.js';
import { setNumThreads } from '../../engine/index.js';
import { analyzeCase, METHODS, type CaseAnalysis } from '../../explain/index.js';
import { openRun, runPaths } from '../../run/index.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { cliProgressSink } from '../../util/progress.js';
import {
  ownsItem,
  readShardParts,
  workerShardFromEnv,
  writeShardPart,
  type WorkerShard,
} from '../../util/shard.js';
import { UsageError } from '../errors.js';
import { fanOut } from '../launch.js';
import { existingRun, parseIntOption, perImageOptions } from '../options.js';

export interface PredictModel {
  model: string;
  probs: Record<string, number>;
  predicted: string;
  overlays: Record<string, string>;
  topShap: { feature: number; phi: number; value: number }[];
  flags: string[];
}

export interface PredictResult {
  image: string;
  models: PredictModel[];
  agree: boolean;
  headsAgree: boolean;
  notes: string[];
}

function checkImages(images: string[]): void {
  if (images.length === 0) throw new UsageError('give at least one IMAGE');
  for (const f of images) {
    if (!existsSync(f)) throw new UsageError(`${f}: image file not found`);
    const st = statSync(f);
    if (!st.isFile()) throw new UsageError(`${f}: not a file`);
    if (st.size === 0) throw new UsageError(`${f}: empty file`);
  }
}

function summarise(a: CaseAnalysis, image: string, outDir: string, index: number): PredictResult {
  const stem = `${String(index).padStart(3, '0')}-${basename(image, extname(image)).replace(/[^A-Za-z0-9._-]+/g, '_')}`;
  const models = a.models.map((m) => {
    const overlays: Record<string, string> = {};
    for (const [kind, r] of Object.entries(m.maps))
      if (r?.png) {
        const path = join(outDir, `${stem}-${m.name}-${kind}.png`);
        writeFileAtomic(path, r.png);
        overlays[kind] = path;
      }
    return {
      model: m.name,
      probs: Object.fromEntries(a.classes.map((c, i) => [c, Number(m.probs[i].toFixed(6))])),
      predicted: a.classes[m.predicted],
      overlays,
      topShap: (m.shap?.top ?? []).slice(0, 5).map((t) => ({
        feature: t.feature,
        phi: Number(t.phi.toPrecision(4)),
        value: Number(t.value.toPrecision(4)),
      })),
      flags:
        m.audit && 'flags' in m.audit && Array.isArray((m.audit as { flags?: unknown }).flags)
          ? (m.audit as { flags: unknown[] }).flags.map(String)
          : [],
    };
  });
  return { image, models, agree: a.agree, headsAgree: a.headsAgree, notes: a.notes };
}

function printText(r: PredictResult): void {
  const w = (s: string) => process.stdout.write(s + '\n');
  w(`${r.image}`);
  for (const m of r.models) {
    const probs = Object.entries(m.probs)
      .map(([c, p]) => `${c} ${(100 * p).toFixed(1)}%`)
      .join(', ');
    w(`  ${m.model.padEnd(10)} → ${m.predicted}   (${probs})`);
    for (const [k, p] of Object.entries(m.overlays)) w(`    ${k} overlay: ${p}`);
    if (m.topShap.length)
      w(
        `    top SHAP features: ${m.topShap.map((t) => `#${t.feature} ${t.phi >= 0 ? '+' : ''}${t.phi}`).join(', ')}`,
      );
    if (m.flags.length) w(`    audit flags: ${m.flags.join(', ')}`);
  }
  w(`  heads agree: ${r.headsAgree ? 'yes' : 'no'}; explanations agree: ${r.agree ? 'yes' : 'no'}`);
  for (const n of r.notes) w(`  note: ${n}`);
}

interface PredictOptions {
  run: string;
  out?: string;
  methods?: string;
  slice?: number;
  threads: number;
  json?: boolean;
  nproc?: number;
}

/** Every image's result (or those a worker owns: images rank, rank+N, …), in input order. */
async function predictImages(
  run: string,
  images: string[],
  o: PredictOptions,
  shard: WorkerShard | null,
): Promise<PredictResult[]> {
  const methods = o.methods
    ?.split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  setNumThreads(o.threads);
  const open = openRun(run);
  const outDir = resolve(o.out ?? runPaths(run).predictDir);
  const progress = cliProgressSink({ json: o.json });
  const results: PredictResult[] = [];
  try {
    const pre = open.arch.preprocess as unknown as PreprocessConfig;
    progress.start(images.length, 'predict');
    for (let i = 0; i < images.length; i++) {
      if (!ownsItem(shard, i)) continue;
      const img = await preprocessFile(images[i], pre, { slice: o.slice });
      const a = await analyzeCase(open, img, { methods });
      results.push(summarise(a, images[i], outDir, i));
      progress.update(i + 1);
    }
  } finally {
    progress.stop();
    open.net.dispose();
  }
  return results;
}

export function registerPredict(program: Command): void {
  const cmd = program
    .command('predict')
    .description(
      'classify images with a trained run: each head’s probabilities and class, Grad-CAM overlays, top SHAP features',
    )
    .requiredOption('--run <dir>', 'trained run folder (backbone and heads)')
    .argument('<images...>', 'image files (JPEG, PNG, DICOM, NIfTI; type read from content)')
    .option('--out <dir>', 'where overlay PNGs go (default RUN/predict)')
    .option('--methods <list>', `explanation methods, comma-separated: ${METHODS.join(', ')} (or shap)`)
    .option('--slice <n>', 'slice index for NIfTI volumes', parseIntOption('--slice', 0, 1_000_000));
  perImageOptions(cmd, 'image', 'results merged in input order').action(
    async (images: string[], o: PredictOptions) => {
      const run = existingRun(resolve(o.run));
      checkImages(images);
      const shard = workerShardFromEnv();
      if (shard) return writeShardPart(shard, await predictImages(run, images, o, shard));
      const nproc = o.nproc ?? 1;
      const results =
        nproc > 1
          ? await fanOut(nproc, (dir) => readShardParts<PredictResult>(dir, nproc, images.length), {
              local: async (w) => writeShardPart(w, await predictImages(run, images, o, w)),
            })
          : await predictImages(run, images, o, null);
      if (!results) return;
      if (o.json) process.stdout.write(JSON.stringify({ run, results }) + '\n');
      else results.forEach(printText);
    },
  );
}
