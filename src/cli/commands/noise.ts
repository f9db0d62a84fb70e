/**
 * `qmri noise --run RUN [--json] [--profiles …] [--shots …] [--levels …] [--nproc N]`: the NISQ noise
 * study of a run's quantum head (src/noise noiseStudy) → RUN/noise/{results.json, points.csv, plots/}.
 * Options override the defaults or a noise config file (--config, JSON or YAML with NoiseConfig
 * fields). `--nproc N` (and the pipeline's noise stage with `qmri run --nproc N`) spreads the study's
 * units over N local worker processes and merges them by index into the same files as one process.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { setNumThreads } from '../../engine/index.js';
import {
  noiseStudy,
  resolveNoiseConfig,
  type NoiseResults,
  type NoiseStudyHooks,
} from '../../noise/index.js';
import { runPaths } from '../../run/index.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { cliProgressSink } from '../../util/progress.js';
import { workerShardFromEnv, type WorkerShard } from '../../util/shard.js';
import { NoiseInputSchema } from '../../config/index.js';
import { UsageError } from '../errors.js';
import { fanOut, qmriCommand, type LaunchCommand } from '../launch.js';
import { configFlag, parseIntOption, parseThreads } from '../options.js';

const N = NoiseInputSchema.properties;

interface NoiseOptions {
  run: string;
  config?: string;
  json?: boolean;
  profiles?: string;
  shots?: string;
  levels?: string;
  channels?: string;
  mitigation: boolean;
  aware: boolean;
  awareNoise?: string;
  awareShots?: string;
  awareEpochs?: string;
  samples?: string;
  resamples?: string;
  seed?: string;
  threads?: string;
  nproc?: number;
}

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function number(v: string, flag: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag}: '${v}' is not a number`);
  return n;
}

function readConfigFile(path: string): Record<string, unknown> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`${path}: noise config not found`);
  }
  if (size > 1024 * 1024)
    throw new UsageError(`${path}: noise config is ${size} bytes, over the 1 MiB limit`);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`${path}: not valid YAML or JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UsageError(`${path}: a noise config must be an object`);
  return raw as Record<string, unknown>;
}

/** The noise config from a file (optional) and the command-line overrides, validated. */
export function noiseConfigFromOptions(o: NoiseOptions): Record<string, unknown> {
  const c: Record<string, unknown> = o.config ? readConfigFile(o.config) : {};
  if (o.profiles !== undefined) c.profiles = list(o.profiles);
  if (o.channels !== undefined) c.channels = list(o.channels);
  if (o.shots !== undefined)
    c.shots = list(o.shots).map((s) => (s === 'exact' ? null : number(s, '--shots')));
  if (o.levels !== undefined) {
    const m = /^([^:]+):([^:]+):([^:]+)$/.exec(o.levels);
    c.levels = m
      ? { from: number(m[1], '--levels'), to: number(m[2], '--levels'), count: number(m[3], '--levels') }
      : list(o.levels).map((s) => number(s, '--levels'));
  }
  if (!o.mitigation)
    c.mitigation = { ...((c.mitigation as object) ?? {}), readout: false, zne: false, sweeps: false };
  const aware: Record<string, unknown> = { ...((c.aware as object) ?? {}) };
  if (!o.aware) aware.enabled = false;
  if (o.awareNoise !== undefined) aware.noise = o.awareNoise;
  if (o.awareShots !== undefined)
    aware.shots = o.awareShots === 'exact' ? null : number(o.awareShots, '--aware-shots');
  if (o.awareEpochs !== undefined)
    aware.epochs = configFlag(N.aware.properties.epochs, '--aware-epochs')(o.awareEpochs);
  if (Object.keys(aware).length) c.aware = aware;
  if (o.samples !== undefined) c.maxSamples = configFlag(N.maxSamples, '--samples')(o.samples);
  if (o.resamples !== undefined)
    c.bootstrap = { resamples: configFlag(N.bootstrap.properties.resamples, '--resamples')(o.resamples) };
  if (o.seed !== undefined) c.seed = configFlag(N.seed, '--seed')(o.seed);
  try {
    resolveNoiseConfig(c);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return c;
}

/**
 * The noise study in one process, or over `nproc` workers (this process is worker 0, the others are
 * local processes; unit i to worker i mod N, merged by index: the same results and files); null in a
 * worker or when a worker failed. `worker` is the command the other workers run (default: this one
 * without --nproc).
 */
export async function shardedNoiseStudy(
  run: string,
  cfg: Record<string, unknown>,
  nproc: number | undefined,
  hooks: NoiseStudyHooks,
  worker?: (dir: string) => LaunchCommand,
): Promise<NoiseResults | null> {
  const asWorker = (shard: WorkerShard) => {
    const log = hooks.log;
    return noiseStudy(run, cfg, { log: log && ((l) => log(`[worker ${shard.rank}] ${l}`)), shard });
  };
  const shard = workerShardFromEnv();
  if (shard) return asWorker(shard);
  if (nproc === undefined || nproc <= 1) return noiseStudy(run, cfg, hooks);
  return fanOut(
    nproc,
    (dir) => noiseStudy(run, cfg, { ...hooks, shard: { role: 'merge', worldSize: nproc, dir } }),
    { cmd: worker, local: asWorker },
  );
}

/** The command a pipeline's noise-stage worker runs: `qmri noise` with the stage's config (written to DIR). */
export function noiseWorkerCommand(
  run: string,
  cfg: Record<string, unknown>,
  o: { threads: number; device: string },
): (dir: string) => LaunchCommand {
  return (dir) => {
    const file = join(dir, 'noise-config.json');
    writeFileAtomic(file, JSON.stringify(cfg));
    return qmriCommand(
      'noise',
      '--run',
      run,
      '--config',
      file,
      '--threads',
      String(o.threads),
      '--device',
      o.device,
      '--json',
    );
  };
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const ci = (e: number, lo: number, hi: number) => `${pct(e)} [${pct(lo)}, ${pct(hi)}]`;
const lvl = (v: number | null) => (v === null ? '—' : v === 0 ? '0' : v.toExponential(1));

/** A short human summary of a study. */
export function summarizeNoise(r: NoiseResults, dir: string): string {
  const out: string[] = [];
  const ref = r.references[0];
  out.push(
    `test set: ${r.test.n} samples; quantum head: ${r.head.qubits} qubits, ${r.head.layers} layers (${r.head.gates} gates)`,
  );
  for (const p of r.references)
    out.push(`  ${p.setting} head: accuracy ${ci(p.accuracy, p.accuracyLo, p.accuracyHi)}`);
  const n = r.noiseless;
  out.push(`  hybrid, noiseless: accuracy ${ci(n.accuracy, n.accuracyLo, n.accuracyHi)}`);
  if (r.sweeps.length) out.push(`break-even level vs the ${ref.setting} head (accuracy):`);
  for (const s of r.sweeps) {
    const b = s.breakEven[ref.setting].accuracy;
    out.push(`  ${s.channel.padEnd(18)} ${b.status === 'crosses' ? `p ≈ ${lvl(b.level)}` : b.status}`);
  }
  if (r.profiles.length)
    out.push('device profiles: accuracy [95% CI], drop from noiseless | mitigated accuracy');
  for (const p of r.profiles)
    for (const shots of r.config.shots) {
      const [raw, ...mit] = p.rows.filter((x) => x.shots === shots);
      if (!raw) continue;
      const label = `${p.name}, ${shots === null ? 'exact' : `${shots} shots`}`;
      const pt = raw.point;
      const extra = mit.map((m) => ` | ${m.mitigation} ${pct(m.point.accuracy)}`).join('');
      out.push(
        `  ${label.padEnd(20)} ${ci(pt.accuracy, pt.accuracyLo, pt.accuracyHi)} drop ${pct(raw.dropAccuracy)}${extra}`,
      );
    }
  if (r.aware)
    out.push(
      `noise-aware training under ${r.aware.noise}${r.aware.shots ? ` with ${r.aware.shots} shots` : ''} (${r.aware.epochs} epochs, ${r.aware.trainSamples} samples): accuracy ${pct(r.aware.before.accuracy)} → ${pct(r.aware.after.accuracy)}${r.aware.selected === 'start' ? ' (no epoch beat the starting head on validation: kept it)' : ''}`,
    );
  out.push(`results: ${dir}/results.json, points.csv, plots/`);
  return out.join('\n') + '\n';
}

export function registerNoise(program: Command): void {
  program
    .command('noise')
    .description(
      'evaluate the quantum head under NISQ noise (channel sweeps, device profiles, shots, mitigation, noise-aware training)',
    )
    .requiredOption('--run <dir>', 'run folder with RUN/features and RUN/heads (linear and quantum)')
    .option('--config <file>', 'noise config (YAML or JSON, NoiseConfig fields); options below override it')
    .option('--profiles <list>', 'device profiles: ideal, heron, eagle or JSON files (comma-separated)')
    .option('--shots <list>', "shot counts, 'exact' for the exact expectation (default 100,1000,10000,exact)")
    .option(
      '--levels <list>',
      'noise levels, comma-separated or FROM:TO:COUNT log-spaced (default 1e-4:1e-1:8)',
    )
    .option(
      '--channels <list>',
      'swept channels (default all: depolarizing_1q, depolarizing_2q, amplitude_damping, phase_damping, bit_flip, readout)',
    )
    .option('--no-mitigation', 'skip readout mitigation and zero-noise extrapolation')
    .option('--no-aware', 'skip noise-aware training')
    .option(
      '--aware-noise <spec>',
      'noise for noise-aware training: a profile or CHANNEL@LEVEL (default eagle)',
    )
    .option('--aware-shots <n>', "shots during noise-aware training, or 'exact' (default 1000)")
    .option('--aware-epochs <n>', 'epochs of noise-aware training (default 3)')
    .option('--samples <n>', 'evaluate on at most N test samples (seeded subset)')
    .option('--resamples <n>', 'bootstrap resamples (default 1000)')
    .option('--seed <n>', 'seed of shots, bootstrap and subsets (default 0)')
    .option('--threads <n>', 'libtorch threads for noise-aware training (default 1)')
    .option('--json', 'print the results JSON on stdout')
    .option(
      '--nproc <n>',
      'spread the study over N local processes (sweep points, shot settings, profiles, noise-aware training); results merged as one process',
      parseIntOption('--nproc', 1, 256),
    )
    .action(async (o: NoiseOptions) => {
      const run = resolve(o.run);
      const cfg = noiseConfigFromOptions(o);
      const threads = o.threads === undefined ? 1 : parseThreads(o.threads);
      setNumThreads(threads);
      const log = o.json ? () => {} : (l: string) => process.stderr.write(`${l}\n`);
      const r = await shardedNoiseStudy(run, cfg, o.nproc, {
        log,
        progress: cliProgressSink({ json: o.json }),
      });
      if (!r) return;
      if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
      else process.stdout.write(summarizeNoise(r, runPaths(run).noiseDir));
    });
}
