import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExperimentConfig } from '../../src/cli/config.js';
import { noiseStage } from '../../src/cli/stages/noise.js';
import { runPaths } from '../../src/run/index.js';
import { nullProgress } from '../../src/util/progress.js';
import { buildNoiseRun } from './tiny-run.js';

const QMRI = fileURLToPath(new URL('../../bin/qmri', import.meta.url));
const run = buildNoiseRun({ qubits: 2, layers: 1, test: 24, bottleneck: true });
after(() => rmSync(run, { recursive: true, force: true }));

// every section: sweeps with ZNE and readout mitigation, shots, two profiles, noise-aware training
const CFG = {
  channels: ['depolarizing_1q', 'amplitude_damping', 'readout'],
  levels: { from: 1e-3, to: 1e-1, count: 3 },
  profiles: ['ideal', 'heron'],
  shots: [100, null],
  bootstrap: { resamples: 100 },
  aware: { noise: 'depolarizing_2q@0.1', shots: 100, epochs: 2, subset: 48, batchSize: 16, lr: 0.05 },
};
const cfgFile = join(run, 'noise-config.json');
writeFileSync(cfgFile, JSON.stringify(CFG));

/** every file under dir (relative path → bytes) */
function files(dir: string, root = dir): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) for (const [k, v] of files(p, root)) out.set(k, v);
    else out.set(relative(root, p), readFileSync(p));
  }
  return out;
}

/** `qmri noise --nproc N --json`: its stdout JSON, and RUN/noise moved to `to` */
function noise(nproc: number, to: string): unknown {
  const args = [
    'noise',
    '--run',
    run,
    '--config',
    cfgFile,
    '--threads',
    '1',
    '--json',
    '--nproc',
    String(nproc),
  ];
  const r = spawnSync(QMRI, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  renameSync(runPaths(run).noiseDir, to);
  return JSON.parse(r.stdout);
}

test('noise --nproc 2 and the pipeline stage with nproc 3: the results.json, files and JSON of one process', async () => {
  const one = noise(1, join(run, 'n1')) as {
    sweeps: unknown[];
    shots: unknown[];
    profiles: unknown[];
    aware: unknown;
  };
  const two = noise(2, join(run, 'n2'));
  assert.deepEqual([one.sweeps.length, one.shots.length, one.profiles.length], [3, 2, 2]);
  assert.ok(one.aware);
  assert.deepEqual(two, one);
  const f1 = files(join(run, 'n1'));
  assert.ok(f1.has('results.json') && f1.has('points.csv') && f1.has('quantum-aware-seed0.json'));
  const same = (dir: string) => {
    const f = files(join(run, dir));
    assert.deepEqual([...f.keys()], [...f1.keys()]);
    for (const [k, v] of f1) assert.ok(f.get(k)!.equals(v), `${dir}/${k} differs from one process's`);
  };
  same('n2');
  // the pipeline's noise stage with `qmri run --nproc 3`: `qmri noise` workers, merged in this process
  const cfg = { threads: 1, noise: { enabled: true, ...CFG } } as unknown as ExperimentConfig;
  await noiseStage.run({ run, cfg, paths: runPaths(run), log: () => {}, progress: nullProgress, nproc: 3 });
  renameSync(runPaths(run).noiseDir, join(run, 'n3'));
  same('n3');
});
