/**
 * `qmri run`: the whole pipeline from one resolved experiment config, into one run folder.
 * Stages in order — phantoms (when data.synthetic) → data → backbone → features → compare →
 * explain → noise → report. Each stage's config hash (chained with the stages before it) is kept in
 * RUN/stages.json: a stage whose outputs exist for the same hash is skipped, so a rerun resumes
 * (the backbone stage also resumes its own last checkpoint after a kill); a stage whose config
 * changed is redone, and its old outputs and those of every later stage are removed first.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { prepareData, writePhantomDataset, type DataConfig } from '../data/index.js';
import { explainRun } from '../explain/index.js';
import { noiseStudy } from '../noise/index.js';
import { configHash, writeReport } from '../report/index.js';
import { runPaths } from '../run/index.js';
import { compareHeads, extractFeatures, trainBackbone } from '../train/index.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';
import { nullProgress, type ProgressSink } from '../util/progress.js';
import type { ExperimentConfig } from './config.js';

export type StageName =
  'phantoms' | 'data' | 'backbone' | 'features' | 'compare' | 'explain' | 'noise' | 'report';
export const STAGES: StageName[] = [
  'phantoms',
  'data',
  'backbone',
  'features',
  'compare',
  'explain',
  'noise',
  'report',
];

export interface StageOutcome {
  stage: StageName;
  /** done: ran now; skipped: outputs already there for this config; off: disabled or not applicable */
  state: 'done' | 'skipped' | 'off';
  seconds: number;
  note?: string;
}

export interface RunOutcome {
  run: string;
  report: string | null;
  configHash: string;
  stages: StageOutcome[];
  seconds: number;
}

export interface RunHooks {
  log?: (line: string) => void;
  progress?: ProgressSink;
}

interface StageRecord {
  hash: string;
  finished: boolean;
}

function readStages(path: string): Record<string, StageRecord> {
  if (!existsSync(path)) return {};
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Record<string, StageRecord>;
    return v && typeof v === 'object' ? v : {};
  } catch {
    throw new Error(`${path}: not valid JSON (delete it to redo every stage)`);
  }
}

/** Outputs each stage owns in the run folder (removed when its config changes). */
function stageOutputs(run: string, stage: StageName): string[] {
  const p = runPaths(run);
  switch (stage) {
    case 'phantoms':
      return [join(run, 'data', 'phantoms')];
    case 'data':
      return [p.manifest, p.audit];
    case 'backbone':
      return [p.backboneDir];
    case 'features':
      return [p.featuresDir];
    case 'compare':
      return [p.headsDir, p.compareDir];
    case 'explain':
      return [p.explainDir];
    case 'noise':
      return [p.noiseDir];
    case 'report':
      return [p.report, join(run, 'report')];
  }
}

function stageDone(run: string, stage: StageName, cfg: ExperimentConfig): boolean {
  const p = runPaths(run);
  switch (stage) {
    case 'phantoms':
      return existsSync(join(run, 'data', 'phantoms'));
    case 'data':
      return existsSync(p.manifest) && existsSync(p.audit);
    case 'backbone':
      return existsSync(p.backboneMetrics) && existsSync(p.model) && existsSync(p.arch);
    case 'features':
      return ['train', 'val', 'test'].every((s) => existsSync(p.features(s)));
    case 'compare':
      return existsSync(p.compare);
    case 'explain':
      return existsSync(join(p.explainDir, 'audit.json'));
    case 'noise':
      return existsSync(join(p.noiseDir, 'results.json'));
    case 'report':
      return false;
  }
  void cfg;
}

/** The data stage's DataConfig (src/data) from the experiment config's data section. */
export function dataConfigOf(run: string, cfg: ExperimentConfig): DataConfig {
  const { synthetic, ...rest } = cfg.data;
  const dir = synthetic ? join(run, 'data', 'phantoms') : resolve(rest.dir!);
  return { ...rest, dir, layout: rest.layout as DataConfig['layout'] };
}

function stageConfig(stage: StageName, cfg: ExperimentConfig): unknown {
  switch (stage) {
    case 'phantoms':
      return cfg.data.synthetic ?? null;
    case 'data': {
      const { synthetic, ...rest } = cfg.data;
      return { ...rest, synthetic: !!synthetic };
    }
    case 'backbone':
      return { ...cfg.backbone, seed: cfg.seed };
    case 'features':
      return null;
    case 'compare':
      return cfg.compare;
    case 'explain':
      return cfg.explain;
    case 'noise':
      return cfg.noise;
    case 'report':
      return cfg.report;
  }
}

/** Files the config names, checked before the run folder is touched. */
export function preflight(cfg: ExperimentConfig): void {
  const need = (field: string, path: string | undefined, kind: 'folder' | 'file') => {
    if (path === undefined) return;
    if (!existsSync(path)) throw new Error(`${field}: ${path}: ${kind} not found`);
    if ((kind === 'folder') !== statSync(path).isDirectory())
      throw new Error(`${field}: ${path}: not a ${kind}`);
  };
  need('data.dir', cfg.data.dir, 'folder');
  need('backbone.weights', cfg.backbone.weights, 'file');
  cfg.explain.images?.forEach((f, i) => need(`explain.images[${i}]`, f, 'file'));
  if (existsSync(cfg.out) && !statSync(cfg.out).isDirectory())
    throw new Error(`out: ${cfg.out}: not a folder`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** RUN/.qmri.lock holds the pid of the qmri process working in RUN; a lock left by a dead process is taken over. */
function lockRun(run: string): () => void {
  const path = join(run, '.qmri.lock');
  if (existsSync(path)) {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid))
      throw new Error(`${run}: in use by qmri process ${pid} (${path}); wait for it or stop it`);
  }
  writeFileAtomic(path, `${process.pid}\n`);
  return () => rmSync(path, { force: true });
}

/** Runs (or resumes) every stage of an experiment into cfg.out. */
export async function runExperiment(cfg: ExperimentConfig, hooks: RunHooks = {}): Promise<RunOutcome> {
  const t0 = performance.now();
  preflight(cfg);
  const run = resolve(cfg.out);
  mkdirSync(run, { recursive: true });
  const unlock = lockRun(run);
  try {
    return await runStages(run, cfg, hooks, t0);
  } finally {
    unlock();
  }
}

async function runStages(
  run: string,
  cfg: ExperimentConfig,
  hooks: RunHooks,
  t0: number,
): Promise<RunOutcome> {
  const log = hooks.log ?? (() => {});
  const progress = hooks.progress ?? nullProgress;
  const p = runPaths(run);
  writeJsonAtomic(p.config, cfg);
  const stagesPath = join(run, 'stages.json');
  const records = readStages(stagesPath);
  const outcomes: StageOutcome[] = [];
  let chain = '';
  let redoFrom: number | null = null;

  const stageHooks = { log, progress };
  const runners: Record<StageName, () => Promise<string | void>> = {
    phantoms: async () => {
      const s = cfg.data.synthetic!;
      const dir = join(run, 'data', 'phantoms');
      rmSync(dir, { recursive: true, force: true });
      progress.start(s.n, 'phantoms');
      await writePhantomDataset(dir, { ...s, onProgress: (d) => progress.update(d) });
      progress.stop();
      return `${s.n} phantoms at ${s.size} px in ${dir}`;
    },
    data: async () => {
      let started = false;
      const m = await prepareData(run, dataConfigOf(run, cfg), {
        log,
        onProgress: (done, total) => {
          if (!started) progress.start(total, 'data: decode and audit');
          started = true;
          progress.update(done);
        },
      });
      progress.stop();
      return `${m.entries.length} images, ${m.classes.length} classes`;
    },
    backbone: async () => {
      const r = await trainBackbone(
        run,
        { ...cfg.backbone, seed: cfg.seed, threads: cfg.threads },
        stageHooks,
      );
      return `best epoch ${r.bestEpoch + 1}, test accuracy ${(100 * r.test.accuracy).toFixed(1)}%`;
    },
    features: async () => {
      await extractFeatures(run, { threads: cfg.threads, progress, log });
    },
    compare: async () => {
      const r = await compareHeads(run, { ...cfg.compare, threads: cfg.threads }, stageHooks);
      return r.comparisons.map((c) => c.verdict).join(' | ');
    },
    explain: async () => {
      const { enabled: _e, ...explain } = cfg.explain;
      const r = await explainRun(run, explain, stageHooks);
      return `${r.cases} cases, ${r.flagged.length} flagged`;
    },
    noise: async () => {
      const { enabled: _e, ...noise } = cfg.noise;
      await noiseStudy(run, noise, stageHooks);
    },
    report: async () => writeReport(run, { title: cfg.report.title, gallery: cfg.report.gallery }),
  };

  for (let i = 0; i < STAGES.length; i++) {
    const stage = STAGES[i];
    const s0 = performance.now();
    const off = (note: string) => outcomes.push({ stage, state: 'off', seconds: 0, note });
    if (stage === 'phantoms' && !cfg.data.synthetic) {
      off('data.dir given');
      continue;
    }
    if (
      (stage === 'explain' && !cfg.explain.enabled) ||
      (stage === 'noise' && !cfg.noise.enabled) ||
      (stage === 'report' && !cfg.report.enabled)
    ) {
      off('disabled');
      continue;
    }
    if (stage === 'noise' && !cfg.compare.heads.includes('quantum')) {
      off('no quantum head in compare.heads');
      continue;
    }
    chain = configHash({ previous: chain, stage, config: stageConfig(stage, cfg) });
    const rec = records[stage];
    const changed = rec !== undefined && rec.hash !== chain;
    if (changed && redoFrom === null) {
      redoFrom = i;
      log(`${stage}: config changed since the last run: redoing ${STAGES.slice(i).join(', ')}`);
      for (const later of STAGES.slice(i)) {
        for (const f of stageOutputs(run, later)) rmSync(f, { recursive: true, force: true });
        delete records[later];
      }
    }
    if (!changed && rec?.finished && stageDone(run, stage, cfg)) {
      log(`${stage}: up to date, skipped`);
      outcomes.push({ stage, state: 'skipped', seconds: 0 });
      continue;
    }
    log(`${stage}: ${rec && !rec.finished ? 'resuming' : 'running'}`);
    records[stage] = { hash: chain, finished: false };
    writeJsonAtomic(stagesPath, records);
    let note: string | void;
    try {
      note = await runners[stage]();
    } finally {
      progress.stop();
    }
    records[stage] = { hash: chain, finished: true };
    writeJsonAtomic(stagesPath, records);
    const seconds = (performance.now() - s0) / 1000;
    outcomes.push({ stage, state: 'done', seconds, ...(note ? { note } : {}) });
    log(`${stage}: done in ${seconds.toFixed(1)} s${note ? ` — ${note}` : ''}`);
  }
  const outcome: RunOutcome = {
    run,
    report: existsSync(p.report) ? p.report : null,
    configHash: configHash(cfg),
    stages: outcomes,
    seconds: (performance.now() - t0) / 1000,
  };
  writeJsonAtomic(join(run, 'run.json'), outcome);
  return outcome;
}
