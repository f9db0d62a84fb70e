import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTrain } from '../../src/cli/commands/train.js';
import { runPaths } from '../../src/run/index.js';
import { tinyConfig } from './tiny-config.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const QMRI = join(ROOT, 'bin', 'qmri');

interface Metrics {
  epochsDone: number;
  stopped: string;
  resumedFrom: number | null;
  logs: { epoch: number; loss: number; valMacroF1: number }[];
}

test('a backbone checkpoint of `train --nproc 2` (stopped by --time-limit) is resumed to the end by one process', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-train-resume-'));
  const run = join(dir, 'run');
  try {
    const config = join(dir, 'config.json');
    const cfg = tinyConfig(run, 1);
    writeFileSync(config, JSON.stringify({ ...cfg, backbone: { ...cfg.backbone, epochs: 2 } }));
    // 2 local ranks; a limit far shorter than an epoch stops after the one epoch every session runs
    const r = spawnSync(
      QMRI,
      ['train', '--run', run, '--config', config, '--nproc', '2', '--time-limit', '0.0001', '--json'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const two = JSON.parse(r.stdout) as { backbone: { epochsDone: number; stopped: string } };
    assert.equal(two.backbone.stopped, 'time-limit');
    assert.equal(two.backbone.epochsDone, 1);
    const p = runPaths(run);
    assert.ok(existsSync(p.checkpoint), 'rank 0 wrote the checkpoint');
    const first = JSON.parse(readFileSync(p.backboneMetrics, 'utf8')) as Metrics;
    assert.equal(first.logs.length, 1);

    // one process, the config stored in the run, no limit: resumes at epoch 2 and finishes
    const out = (await runTrain({ run, json: true, threads: 1 })) as { backbone: { epochsDone: number } };
    assert.equal(out.backbone.epochsDone, 2);
    const done = JSON.parse(readFileSync(p.backboneMetrics, 'utf8')) as Metrics;
    assert.equal(done.resumedFrom, 1);
    assert.equal(done.stopped, 'epochs');
    assert.deepEqual(
      done.logs.map((l) => l.epoch),
      [0, 1],
    );
    // epoch 1 is the 2-rank run's own (kept from the checkpoint, not retrained)
    assert.deepEqual(done.logs[0], first.logs[0]);
    assert.ok(Number.isFinite(done.logs[1].loss));
    for (const s of ['train', 'val', 'test']) assert.ok(existsSync(p.features(s)), `${s} features`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
