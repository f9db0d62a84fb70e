/**
 * Chaos run: the whole pipeline (`qmri demo --quick`, phantoms) is killed with SIGKILL at seeded
 * random moments inside every stage, resumed each time, and the final run folder is checked
 * against an uninterrupted run of the same seed: the same files (no partial or orphaned ones, no
 * temporary files) and the same numbers (every JSON value but timings, every tensor file byte for
 * byte). Exit code 1 on any difference.
 *
 *   node --import tsx bench/chaos/chaos.ts [--kills-per-stage 5] [--seed 1] [--out DIR] [--keep]
 *
 * How a kill lands in a stage: the script polls RUN/stages.json (the pipeline marks a stage
 * `finished: false` when it starts), waits a seeded random fraction of that stage's duration in the
 * reference run, and kills. Where the stage ends first, the kill lands in a later one; the table
 * printed at the end counts the kills by the stage that was running at the moment of the kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../../src/util/rng.js';
import { compareRunFolders } from './compare-runs.js';

const { values: a } = parseArgs({
  options: {
    'kills-per-stage': { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const ROOT = new URL('../..', import.meta.url).pathname;
const STAGES = ['phantoms', 'data', 'backbone', 'features', 'compare', 'explain', 'noise', 'report'];

type StageRecords = Record<string, { finished: boolean }>;

function readStages(run: string): StageRecords {
  try {
    return JSON.parse(readFileSync(join(run, 'stages.json'), 'utf8')) as StageRecords;
  } catch {
    return {}; // not written yet (or mid-rename: the next poll sees it)
  }
}

/** The stage running now: the first one in pipeline order that is not finished. */
function runningStage(run: string): string {
  const s = readStages(run);
  return STAGES.find((n) => !s[n]?.finished) ?? 'done';
}

function startDemo(run: string): ChildProcess {
  return spawn(join(ROOT, 'bin/qmri'), ['demo', '--quick', '--out', run, '--json', '--threads', '1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

const exited = (p: ChildProcess) =>
  new Promise<number | null>((r) => (p.exitCode !== null ? r(p.exitCode) : p.once('exit', (c) => r(c))));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the demo to the end and times each stage by polling (the reference run). */
async function referenceRun(run: string): Promise<Record<string, number>> {
  const p = startDemo(run);
  const seconds: Record<string, number> = {};
  let stage = '';
  let t = performance.now();
  while (p.exitCode === null) {
    // the clock starts when stages.json appears: process start-up (node, libtorch) is no stage's time
    if (!existsSync(join(run, 'stages.json'))) {
      await sleep(5);
      continue;
    }
    const now = runningStage(run);
    if (now !== stage) {
      if (stage) seconds[stage] = (performance.now() - t) / 1000;
      stage = now;
      t = performance.now();
    }
    await sleep(20);
  }
  if (stage && stage !== 'done') seconds[stage] = (performance.now() - t) / 1000;
  if (p.exitCode !== 0) throw new Error(`reference run failed with exit code ${p.exitCode}`);
  return seconds;
}

/** When this process (re)started `stage`: stages.json rewritten after `since` with it unfinished. */
function startedSince(run: string, stage: string, since: number): boolean {
  try {
    return statSync(join(run, 'stages.json')).mtimeMs >= since && runningStage(run) === stage;
  } catch {
    return false;
  }
}

/**
 * One interrupted attempt: start, wait until this process has started `target` (or a later stage),
 * wait a random part of the target's reference duration, kill.
 */
async function killDuring(run: string, target: string, seconds: number, rng: Rng): Promise<string> {
  const since = Date.now() - 1;
  const p = startDemo(run);
  const after = (s: string) => STAGES.indexOf(s) > STAGES.indexOf(target);
  while (p.exitCode === null && !startedSince(run, target, since) && !after(runningStage(run)))
    await sleep(5);
  // a resumed stage has less left to do than in the reference run: aim at its first half
  await sleep(rng.uniform(0, Math.max(0.05, 0.5 * seconds)) * 1000);
  if (p.exitCode !== null) return 'done';
  const at = runningStage(run);
  p.kill('SIGKILL');
  await exited(p);
  return at;
}

async function main(): Promise<number> {
  const perStage = Number(a['kills-per-stage']);
  const rng = new Rng(Number(a.seed));
  const dir = a.out ?? mkdtempSync(join(tmpdir(), 'qmri-chaos-'));
  // both runs are written at the same path (paths are part of the results): the reference first,
  // moved aside when it is done
  const ref = join(dir, 'reference');
  const run = join(dir, 'run');
  for (const d of [ref, run]) rmSync(d, { recursive: true, force: true });
  const t0 = performance.now();
  const seconds = await referenceRun(run);
  renameSync(run, ref);
  const kills: Record<string, number> = {};
  for (const target of STAGES)
    for (let k = 0; k < perStage; k++) {
      const at = await killDuring(run, target, seconds[target] ?? 0.5, rng);
      if (at !== 'done') kills[at] = (kills[at] ?? 0) + 1;
    }
  const last = startDemo(run);
  if ((await exited(last)) !== 0) throw new Error('the final resumed run failed');
  const diffs = compareRunFolders(ref, run);
  const total = Object.values(kills).reduce((s, n) => s + n, 0);
  const result = {
    kills: total,
    byStage: Object.fromEntries(STAGES.map((s) => [s, kills[s] ?? 0])),
    referenceStageSeconds: seconds,
    differences: diffs.slice(0, 20),
    differenceCount: diffs.length,
    minutes: +((performance.now() - t0) / 60_000).toFixed(1),
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  // judged before the folder is removed (removing it first made every clean run exit 1)
  const ok = diffs.length === 0 && existsSync(join(run, 'report.html'));
  if (!a.keep && a.out === undefined && ok) rmSync(dir, { recursive: true, force: true });
  return ok ? 0 : 1;
}

main().then(
  (c) => (process.exitCode = c),
  (e: Error) => {
    process.stderr.write(`chaos: ${e.message}\n`);
    process.exitCode = 1;
  },
);
