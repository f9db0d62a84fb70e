/**
 * `qmri data inspect DIR [--json]`: the dataset audit (counts, sizes, channels, formats, unreadable
 * files, near-duplicates, metadata shortcut warning) without splitting or writing anything.
 * `qmri data synth --out DIR --n N --size S --seed K`: phantom dataset in the folder-per-class layout
 * with YOLO boxes and PNG masks.
 * `qmri data proxy RUN [--seed K]`: the cross-source proxy test set (src/data/proxy.ts) from the
 * run's prepared test split into RUN/data/proxy/; training then reports proxy accuracy beside test.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import {
  DEFAULT_DUPLICATE_DISTANCE,
  DEFAULT_PROXY,
  formatAudit,
  inspectDataset,
  proxyManifestPath,
  readManifest,
  writePhantomDataset,
  writeProxySet,
} from '../../data/index.js';
import { runPaths } from '../../run/index.js';
import { cliProgressSink } from '../../util/progress.js';
import { UsageError } from '../errors.js';

function intOption(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new UsageError(`${name} must be an integer in [${min}, ${max}], got '${v}'`);
    return n;
  };
}

interface InspectOptions {
  layout: string;
  blockSize: number;
  distance: number;
  maxPixels: number;
  json?: boolean;
}

async function runInspect(dir: string, o: InspectOptions): Promise<void> {
  if (!['auto', 'folders', 'kaggle'].includes(o.layout))
    throw new UsageError(`--layout must be auto, folders or kaggle, got '${o.layout}'`);
  const bar = cliProgressSink({ json: o.json });
  bar.start(0, 'inspect');
  let started = false;
  const audit = await inspectDataset(dir, {
    layout: o.layout as 'auto',
    blockSize: o.blockSize,
    duplicateDistance: o.distance,
    maxPixels: o.maxPixels,
    onProgress: (done, total) => {
      if (!started) bar.start(total, 'decoding');
      started = true;
      bar.update(done);
    },
  });
  bar.stop();
  process.stdout.write(o.json ? JSON.stringify(audit, null, 2) + '\n' : formatAudit(audit) + '\n');
}

async function runSynth(o: {
  out: string;
  n: number;
  size: number;
  seed: number;
  json?: boolean;
}): Promise<void> {
  const bar = cliProgressSink({ json: o.json });
  bar.start(o.n, 'synth');
  await writePhantomDataset(o.out, {
    n: o.n,
    size: o.size,
    seed: o.seed,
    onProgress: (d) => bar.update(d),
  });
  bar.stop();
  const res = { out: o.out, n: o.n, size: o.size, seed: o.seed };
  process.stdout.write(
    o.json
      ? JSON.stringify(res) + '\n'
      : `wrote ${o.n} phantoms (${o.size}×${o.size}, seed ${o.seed}) to ${o.out}\n`,
  );
}

async function runProxy(run: string, o: { seed: number; json?: boolean }): Promise<void> {
  const mp = runPaths(run).manifest;
  if (!existsSync(mp)) throw new UsageError(`${mp}: no data manifest in this run (prepare the data first)`);
  const m = readManifest(mp);
  const n = m.entries.filter((e) => e.split === 'test').length;
  const bar = cliProgressSink({ json: o.json });
  bar.start(n, 'proxy');
  const proxy = await writeProxySet(
    run,
    m,
    { ...DEFAULT_PROXY, seed: o.seed },
    { onProgress: (d) => bar.update(d) },
  );
  bar.stop();
  const res = {
    manifest: proxyManifestPath(run),
    images: proxy.entries.length,
    settings: { ...DEFAULT_PROXY, seed: o.seed },
  };
  process.stdout.write(
    o.json
      ? JSON.stringify(res) + '\n'
      : `wrote the cross-source proxy of ${res.images} test images to ${res.manifest}\n`,
  );
}

export function registerData(program: Command): void {
  const data = program.command('data').description('datasets: audit a folder, write synthetic phantoms');
  data
    .command('inspect')
    .description(
      'audit a dataset folder: counts, sizes, channels, formats, unreadable files, near-duplicates, shortcut warning',
    )
    .argument('<dir>', 'dataset folder (folder per class, or Training/ and Testing/ above the class folders)')
    .option('--layout <layout>', 'auto, folders or kaggle', 'auto')
    .option(
      '--block-size <n>',
      'consecutive file numbers per group',
      intOption('--block-size', 1, 1_000_000),
      20,
    )
    .option(
      '--distance <bits>',
      'dHash distance (of 256 bits) counted as a near-duplicate',
      intOption('--distance', 0, 256),
      DEFAULT_DUPLICATE_DISTANCE,
    )
    .option(
      '--max-pixels <n>',
      'largest width×height accepted',
      intOption('--max-pixels', 1, 2 ** 31),
      64 * 1024 * 1024,
    )
    .option('--json', 'print the audit as JSON')
    .action(runInspect);
  data
    .command('synth')
    .description(
      'write synthetic phantoms (glioma, meningioma, notumor, pituitary) with YOLO boxes and PNG masks',
    )
    .requiredOption('--out <dir>', 'output folder (one subfolder per class)')
    .option('--n <n>', 'number of images (classes cycle)', intOption('--n', 1, 1_000_000), 400)
    .option('--size <px>', 'image side in pixels', intOption('--size', 16, 1024), 128)
    .option('--seed <k>', 'random seed', intOption('--seed', 0, 2 ** 31), 0)
    .option('--json', 'print {"out", "n", "size", "seed"} as JSON')
    .action(runSynth);
  data
    .command('proxy')
    .description(
      "cross-source proxy: the run's test split re-prepared (downscaled, gamma/contrast/brightness, JPEG) into RUN/data/proxy; training reports its accuracy beside the test accuracy",
    )
    .argument('<run>', 'run folder with a prepared data manifest')
    .option(
      '--seed <k>',
      'seed of the per-image settings',
      intOption('--seed', 0, 2 ** 31),
      DEFAULT_PROXY.seed,
    )
    .option('--json', 'print {"manifest", "images", "settings"} as JSON')
    .action(runProxy);
}
