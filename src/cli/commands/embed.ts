/**
 * `qmri embed`: DenseNet121 pooled features (after the final BN + ReLU and global average pooling)
 * and, when the weights file has a classifier, its logits, for a raw float32 N×3×H×W input.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { Tensor, noGrad, readSafetensors, setNumThreads, tidy } from '../../engine/index.js';
import { DenseNet, inferDenseNetConfig } from '../../nn/index.js';
import { preprocessFile, validatePreprocess, type PreprocessConfig } from '../../data/index.js';
import { UsageError } from '../errors.js';
import { cliProgressSink, nullProgress, type ProgressSink } from '../../util/progress.js';

export interface EmbedOptions {
  weights: string;
  raw?: string;
  shape?: string;
  images?: string[];
  /** preprocessing for --images (the data pipeline's PreprocessConfig) */
  size?: number;
  normalize?: string;
  brainCrop?: boolean;
  batch?: number;
  threads?: number;
}

export interface EmbedResult {
  embed: number[][];
  logits?: number[][];
}

export function parseShape(s: string): [number, number, number, number] {
  const parts = s.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 4 || !parts.every((d) => Number.isInteger(d) && d > 0))
    throw new UsageError(`--shape must be four positive integers N,3,H,W, got '${s}'`);
  if (parts[1] !== 3) throw new UsageError(`--shape: the channel dimension must be 3, got ${parts[1]}`);
  return parts as [number, number, number, number];
}

function readRaw(path: string, shape: number[]): Float32Array {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`${path}: raw input file not found`);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  if (size !== n * 4)
    throw new UsageError(
      `${path}: ${size} bytes, but --shape ${shape.join(',')} needs ${n * 4} bytes of float32`,
    );
  const b = readFileSync(path);
  const data = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  for (let i = 0; i < data.length; i++)
    if (!Number.isFinite(data[i])) throw new UsageError(`${path}: value ${i} is not finite (${data[i]})`);
  return data;
}

/** Builds the DenseNet the weights file describes (DenseNet121 for torchvision files; classes from the classifier). */
export function modelForWeights(path: string): { net: DenseNet; hasClassifier: boolean } {
  const st = readSafetensors(path);
  const cls = st.tensors.get('classifier.weight');
  const net = new DenseNet({ ...inferDenseNetConfig(st.tensors, path), numClasses: cls ? cls.shape[0] : 1 });
  const { hasClassifier } = net.loadWeights(path);
  return { net: net.eval(), hasClassifier };
}

/** Images through the data pipeline (grayscale, pad, resize, normalise, 3 channels): N×3×S×S. */
async function readImages(
  files: string[],
  o: EmbedOptions,
  progress: ProgressSink,
): Promise<{ input: Float32Array; shape: number[] }> {
  const normalize = o.normalize ?? 'imagenet';
  if (normalize !== 'imagenet' && normalize !== 'zscore')
    throw new UsageError(`--normalize must be 'imagenet' or 'zscore', got '${normalize}'`);
  const cfg: PreprocessConfig = { size: o.size ?? 224, brainCrop: !!o.brainCrop, normalize };
  validatePreprocess(cfg);
  const S = cfg.size;
  const input = new Float32Array(files.length * 3 * S * S);
  progress.start(files.length, 'decode');
  for (let i = 0; i < files.length; i++) {
    input.set((await preprocessFile(files[i], cfg)).input, i * 3 * S * S);
    progress.update(i + 1);
  }
  progress.stop();
  return { input, shape: [files.length, 3, S, S] };
}

export async function runEmbed(o: EmbedOptions, progress: ProgressSink = nullProgress): Promise<EmbedResult> {
  if (o.threads) setNumThreads(o.threads);
  let input: Float32Array;
  let shape: number[];
  if (o.images?.length) {
    if (o.raw) throw new UsageError('give either --raw or --images, not both');
    ({ input, shape } = await readImages(o.images, o, progress));
  } else {
    if (!o.raw || !o.shape) throw new UsageError('give --raw FILE.f32 and --shape N,3,H,W (or --images)');
    shape = parseShape(o.shape);
    input = readRaw(o.raw, shape);
  }
  const { net, hasClassifier } = modelForWeights(o.weights);
  const [n, c, h, w] = shape;
  const batch = Math.max(1, o.batch ?? 8);
  const embed: number[][] = [];
  const logits: number[][] = [];
  const per = c * h * w;
  progress.start(n, 'embed');
  for (let s = 0; s < n; s += batch) {
    const m = Math.min(batch, n - s);
    tidy(() =>
      noGrad(() => {
        const x = Tensor.from(input.subarray(s * per, (s + m) * per), [m, c, h, w]);
        const r = net.forwardAll(x);
        embed.push(...(r.pooled.toArray() as number[][]));
        if (hasClassifier) logits.push(...(r.logits.toArray() as number[][]));
      }),
    );
    progress.update(s + m);
  }
  progress.stop();
  net.dispose();
  return hasClassifier ? { embed, logits } : { embed };
}

export function registerEmbed(program: Command): void {
  program
    .command('embed')
    .description('DenseNet121 pooled 1,024-d features (and classifier logits) for raw tensors or images')
    .requiredOption('--weights <file>', 'DenseNet121 weights (.safetensors, torchvision/timm key names)')
    .option('--raw <file>', 'raw little-endian float32 input, N×3×H×W')
    .option('--shape <N,3,H,W>', 'shape of --raw')
    .option('--images <files...>', 'image files (JPEG, PNG, DICOM, NIfTI) through the data pipeline')
    .option('--size <px>', 'with --images: square input size', (v) => Number.parseInt(v, 10), 224)
    .option('--normalize <how>', "with --images: 'imagenet' (torchvision weights) or 'zscore'", 'imagenet')
    .option('--brain-crop', 'with --images: crop to the brain before padding and resizing')
    .option('--batch <n>', 'batch size', (v) => Number.parseInt(v, 10), 8)
    .option('--threads <n>', 'libtorch threads', (v) => Number.parseInt(v, 10))
    .option('--json', 'print JSON {"embed": N×1024, "logits": N×classes}')
    .action(async (opts: EmbedOptions & { json?: boolean }) => {
      const r = await runEmbed(opts, cliProgressSink({ json: opts.json }));
      if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
      else {
        process.stdout.write(`embedded ${r.embed.length} inputs → ${r.embed[0]?.length ?? 0} features\n`);
        if (r.logits)
          r.logits.forEach((l, i) =>
            process.stdout.write(`  #${i}: argmax class ${l.indexOf(Math.max(...l))}\n`),
          );
      }
    });
}
