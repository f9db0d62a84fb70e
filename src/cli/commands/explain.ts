/**
 * `qmri explain --run RUN (--image FILE... | --split test) [--methods …] [--layer NAME] [--target C] [--json]`:
 * the CAM methods and SHAP explainers of src/explain's registries (listed in --help from them) for
 * every explained model, the per-image agreement and localisation audit, the per method × model
 * localisation table (pointing game exact / with tolerance, energy-in-box, perfect-map caps, empty
 * maps, deletion / insertion AUCs, the randomisation sanity check, time per image), plots; written
 * to RUN/explain. `--nproc N` spreads the cases over N workers (this process and N-1 local ones)
 * and merges their analyses in input order into the same RUN/explain as one process.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { setNumThreads } from '../../engine/index.js';
import {
  CAM_METHODS,
  explainRun,
  explanationJson,
  resolveMethods,
  SHAP_EXPLAINERS,
  type ExplainConfig,
  type ExplainRunResult,
  type LocalizationRow,
} from '../../explain/index.js';
import { loadArch } from '../../run/index.js';
import { cliProgressSink } from '../../util/progress.js';
import { workerShardFromEnv } from '../../util/shard.js';
import { UsageError } from '../errors.js';
import { fanOut } from '../launch.js';
import { configFlag, existingRun, parseSeed, perImageOptions } from '../options.js';
import { EXPERIMENT_SCHEMA } from '../config.js';

const EXPLAIN = EXPERIMENT_SCHEMA.properties.explain.properties;

interface ExplainCliOptions {
  run: string;
  image?: string[];
  split?: string;
  cases?: number;
  methods?: string;
  layer?: string;
  target?: string;
  samples?: number;
  background?: number;
  tolerance?: number;
  layercamLayers?: string;
  igSteps?: number;
  pathSteps?: number;
  faithfulnessSteps?: number;
  sanity?: boolean;
  sanityThreshold?: number;
  seed?: number;
  threads: number;
  json?: boolean;
  nproc?: number;
}

/** A class name of the run (arch.json) or its index, checked before any work. */
function resolveTargetClass(run: string, v: string): number {
  let classes: string[];
  try {
    classes = loadArch(run).classes;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const byName = classes.indexOf(v);
  if (byName >= 0) return byName;
  const n = Number(v);
  if (/^\d+$/.test(v) && n < classes.length) return n;
  throw new UsageError(
    `--target: '${v}' is not a class of this run; valid: ${classes.map((c, i) => `${i}=${c}`).join(', ')}`,
  );
}

const METHOD_HELP = [...CAM_METHODS, ...SHAP_EXPLAINERS].map((m) => `${m.name} (${m.label})`).join(', ');

const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(0)}%`);

const fmt = (v: unknown) =>
  typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : v === null ? 'n/a' : String(v);

/** One line per model × method of the localisation table. */
export function localizationLine(r: LocalizationRow): string {
  return (
    `  ${r.model} ${r.label}: pointing ${pct(r.pointingGame)} (cap ${pct(r.cap.pointingGame)}), ` +
    `tol. ${pct(r.pointingGameTol)} (cap ${pct(r.cap.pointingGameTol)}), energy in box ${pct(r.energyInBox)} ` +
    `(cap ${pct(r.cap.energyInBox)}) over ${r.scored} images with a box and a map, empty ${r.empty}/${r.cases}` +
    `, deletion AUC ${fmt(r.deletionAuc)}, insertion AUC ${fmt(r.insertionAuc)}` +
    (r.sanity
      ? `, randomisation ρ ${fmt(r.sanity.rankCorrelation)} ${r.sanity.passed === false ? 'FAILED' : r.sanity.passed ? 'passed' : 'n/a'}`
      : '') +
    (r.msPerImage === null ? '' : `, ${r.msPerImage.toFixed(0)} ms/image`)
  );
}

/**
 * explainRun in one process, or over `nproc` workers (this process and N-1 local processes; each
 * explains cases rank, rank+N, …) merged in input order; null in a worker (it prints nothing) or when a worker failed.
 */
async function runSharded(
  run: string,
  cfg: ExplainConfig,
  nproc: number | undefined,
  hooks: Parameters<typeof explainRun>[2],
): Promise<ExplainRunResult | null> {
  const worker = workerShardFromEnv();
  if (worker) {
    await explainRun(run, cfg, { ...hooks, shard: worker });
    return null;
  }
  if (nproc === undefined || nproc <= 1) return explainRun(run, cfg, hooks);
  return fanOut(
    nproc,
    (dir) => explainRun(run, cfg, { ...hooks, shard: { role: 'merge', worldSize: nproc, dir } }),
    { local: (shard) => explainRun(run, cfg, { ...hooks, shard }) },
  );
}

const commaList = (v: string | undefined) =>
  v
    ?.split(',')
    .map((m) => m.trim())
    .filter(Boolean);

/** The options checked (usage errors name the flag) and turned into the stage's config. */
function explainConfigOf(run: string, o: ExplainCliOptions): ExplainConfig {
  if (o.image?.length && o.split) throw new UsageError('give either --image files or --split, not both');
  if (!o.image?.length && !o.split)
    throw new UsageError('nothing to explain: give --image FILE... or --split test');
  if (o.split && !['train', 'val', 'test'].includes(o.split))
    throw new UsageError(`--split: expected train, val or test, got '${o.split}'`);
  const methods = commaList(o.methods);
  try {
    resolveMethods(methods);
  } catch (err) {
    throw new UsageError(`--methods: ${(err as Error).message}`);
  }
  return {
    images: o.image?.map((f) => resolve(f)),
    split: o.split as ExplainConfig['split'],
    cases: o.cases,
    methods,
    layer: o.layer,
    targetClass: o.target === undefined ? undefined : resolveTargetClass(run, o.target),
    shapSamples: o.samples,
    backgroundSize: o.background,
    tolerancePx: o.tolerance,
    layerCamLayers: commaList(o.layercamLayers),
    igSteps: o.igSteps,
    pathSteps: o.pathSteps,
    faithfulnessSteps: o.faithfulnessSteps,
    sanity: o.sanity,
    sanityThreshold: o.sanityThreshold,
    seed: o.seed,
  };
}

/** `qmri explain --json`: the summaries and, per image, every model's prediction and explanation. */
function explainJson(run: string, r: ExplainRunResult) {
  return {
    run,
    dir: r.dir,
    cases: r.cases,
    summaries: r.summaries,
    localization: r.localization,
    flagged: r.flagged,
    results: r.analyses.map((a) => ({
      file: a.source,
      explainedClass: a.classes[a.targetClass],
      headsAgree: a.headsAgree,
      agree: a.agree,
      models: a.models.map((m) => ({
        model: m.name,
        head: m.source,
        predicted: a.classes[m.predicted],
        probs: Object.fromEntries(a.classes.map((c, i) => [c, m.probs[i]])),
        ...explanationJson(m),
      })),
      notes: a.notes,
    })),
  };
}

function printExplainText(r: ExplainRunResult): void {
  const w = (s: string) => process.stdout.write(`${s}\n`);
  w(`explained ${r.cases} image(s); results in ${r.dir}`);
  for (const [model, s] of Object.entries(r.summaries)) {
    w(
      `  ${model}: mean Spearman ${fmt(s.meanSpearman)}, top-20% IoU ${fmt(s.meanIouTop20)}, ` +
        `pointing Grad-CAM ${fmt(s.gradcamPointing)} / SHAP ${fmt(s.shapPointing)} (${s.withBox} with a box), ` +
        `energy in box Grad-CAM ${fmt(s.gradcamEnergyInBox)} / SHAP ${fmt(s.shapEnergyInBox)}, ` +
        `empty maps Grad-CAM ${s.emptyGradcam} / SHAP-CAM ${s.emptyShapcam}, ${s.flagged} flagged`,
    );
  }
  for (const row of r.localization) w(localizationLine(row));
  for (const f of r.flagged) w(`  flagged ${f.file}: ${f.flags.join('; ')}`);
}

/** The `qmri explain` action: checks the options, runs the stage, prints JSON or text. */
async function explainAction(o: ExplainCliOptions): Promise<void> {
  const run = existingRun(resolve(o.run));
  const cfg = explainConfigOf(run, o);
  setNumThreads(o.threads);
  const r = await runSharded(run, cfg, o.nproc, {
    progress: cliProgressSink({ json: o.json }),
    log: o.json ? undefined : (l: string) => process.stderr.write(`${l}\n`),
  });
  if (!r) return;
  if (o.json) process.stdout.write(JSON.stringify(explainJson(run, r)) + '\n');
  else printExplainText(r);
}

export function registerExplain(program: Command): void {
  const cmd = program
    .command('explain')
    .description(
      'Grad-CAM and SHAP side by side for the classical and hybrid models, with an agreement and localisation audit',
    )
    .requiredOption('--run <dir>', 'trained run folder')
    .option('--image <files...>', 'image files to explain (JPEG, PNG, DICOM, NIfTI)')
    .option('--split <name>', 'explain images of this manifest split (train, val, test)')
    .option(
      '--cases <n>',
      'this many images spread over the split (a number ≥ its size takes all of it)',
      configFlag(EXPLAIN.cases, '--cases'),
      16,
    )
    .option('--methods <list>', `comma-separated: ${METHOD_HELP}; 'shap' = kernelshap,shapcam`)
    .option('--layer <name>', 'layer of the single-layer CAMs (default: the final feature map, "features")')
    .option('--layercam-layers <list>', 'LayerCAM: comma-separated layers to fuse')
    .option('--ig-steps <n>', 'Integrated Gradients steps', configFlag(EXPLAIN.igSteps, '--ig-steps'))
    .option(
      '--path-steps <n>',
      'Integrated Grad-CAM path steps (head only; default 256)',
      configFlag(EXPLAIN.pathSteps, '--path-steps'),
    )
    .option(
      '--tolerance <px>',
      'pointing-game tolerance in original-image pixels (default 15)',
      configFlag(EXPLAIN.tolerancePx, '--tolerance'),
    )
    .option(
      '--faithfulness-steps <n>',
      'deletion / insertion curve points per map (0: not measured; default 16)',
      configFlag(EXPLAIN.faithfulnessSteps, '--faithfulness-steps'),
    )
    .option('--no-sanity', 'skip the model-parameter randomisation check')
    .option(
      '--sanity-threshold <rho>',
      'a method whose maps keep this rank correlation after randomisation fails (default 0.5)',
      configFlag(EXPLAIN.sanityThreshold, '--sanity-threshold'),
    )
    .option('--target <class>', "class to explain, by name or index (default: each image's prediction)")
    .option('--samples <n>', 'Kernel SHAP coalitions', configFlag(EXPLAIN.shapSamples, '--samples'), 2048)
    .option(
      '--background <n>',
      'SHAP background rows',
      configFlag(EXPLAIN.backgroundSize, '--background'),
      50,
    )
    .option('--seed <n>', 'sampling seed', parseSeed, 0);
  perImageOptions(cmd, 'case', 'merged in input order').action(explainAction);
}
