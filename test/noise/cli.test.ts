import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPaths } from '../../src/run/index.js';
import { buildNoiseRun } from './tiny-run.js';

const qmri = fileURLToPath(new URL('../../bin/qmri', import.meta.url));
const cli = (...args: string[]) =>
  spawnSync(qmri, ['noise', ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });

test('qmri noise --json: the study on a run folder, results on stdout; bad flags are one-line usage errors', () => {
  const run = buildNoiseRun({ qubits: 2, layers: 1, test: 24 });
  try {
    const mine = join(run, 'my-device.json');
    writeFileSync(
      mine,
      JSON.stringify({
        name: 'my-device',
        gate_error_1q: 0.001,
        gate_error_2q: 0.02,
        gate_time_1q_ns: 50,
        gate_time_2q_ns: 300,
        t1_us: 100,
        t2_us: 80,
        readout_error: 0.03,
      }),
    );
    const r = cli(
      '--run',
      run,
      '--json',
      '--levels',
      '1e-3:1e-1:3',
      '--channels',
      'bit_flip,readout',
      '--shots',
      '100,exact',
      '--profiles',
      `ideal,${mine}`,
      '--resamples',
      '50',
      '--no-aware',
      '--samples',
      '20',
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.test.n, 20);
    assert.deepEqual(
      out.sweeps.map((s: { channel: string }) => s.channel),
      ['bit_flip', 'readout'],
    );
    assert.deepEqual(out.config.levels, [0.001, 0.01, 0.1]);
    assert.deepEqual(out.config.shots, [100, null]);
    assert.equal(out.aware, null);
    assert.deepEqual(
      out.profiles.map((p: { name: string }) => p.name),
      ['ideal', 'my-device'],
    );
    assert.equal(out.profiles[1].rows.length, 2 * 5); // 2 shot settings × (none, readout, ZNE ×2, both)
    assert.ok(existsSync(join(runPaths(run).noiseDir, 'points.csv')));
    for (const [args, re] of [
      [['--run', run, '--shots', '10,lots'], /--shots: 'lots' is not a number/],
      [['--run', run, '--channels', 'gamma'], /noise\.channels\[0\]: unknown channel "gamma"/],
      [['--run', run, '--levels', '0.1,0.01'], /noise\.levels\[1\]: levels must increase/],
    ] as [string[], RegExp][]) {
      const e = cli(...args);
      assert.equal(e.status, 2, e.stderr);
      assert.match(e.stderr, re);
      assert.equal(e.stderr.trim().split('\n').length, 1);
    }
    const missing = cli('--run', join(run, 'nope'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^qmri: error: .*nope: run folder not found\n$/);
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});
