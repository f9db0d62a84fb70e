import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPaths, saveHead, shownHead } from '../../src/run/index.js';
import { applyCollapsePolicy, reinitSeed, type SeedSignals } from '../../src/train/compare-collapse.js';

/** A head's validation signals: `constant` gives the same probabilities for every case (tanh saturation). */
function signals(seed: number, valAccuracy: number, constant = false): SeedSignals {
  const n = 20;
  const C = 4;
  const probs = new Float32Array(n * C);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < C; c++)
      probs[i * C + c] = constant ? [0.5, 0.02, 0.01, 0.47][c] : c === i % C ? 0.9 : 0.1 / 3;
  return {
    seed,
    valAccuracy,
    trainLoss: constant ? [1.4, 1.39] : [1.4, 0.3],
    probs,
    labels: Int32Array.from({ length: n }, (_, i) => i % C),
    classes: C,
  };
}

test("collapse policy 'keep': the collapsed seed is reported and never the representative", () => {
  // the collapsed seed sits at the median of all five: only its collapse keeps it from being shown
  const seeds = [0.64, 0.5, 0.6, 0.7, 0.9].map((acc, i) => signals(1000 + i, acc, i === 0));
  const { records, representative } = applyCollapsePolicy(seeds, 'keep', () => {
    throw new Error('keep never retrains');
  });
  assert.deepEqual(
    records.map((r) => r.collapsed),
    [true, false, false, false, false],
  );
  assert.ok(records[0].reasons.some((r) => /constant outputs/.test(r)));
  assert.equal(records[0].reinitSeed, undefined);
  // closest to the median (0.65) of the seeds that trained: 1002 or 1003
  assert.ok(representative === 1002 || representative === 1003, `representative ${representative}`);
});

test("collapse policy 'reinit': the collapsed seed is retrained from a derived seed, the same for every kind", () => {
  const seeds = [signals(1000, 0.42, true), signals(1001, 0.7), signals(1002, 0.68)];
  const calls: [number, number][] = [];
  const { records, representative } = applyCollapsePolicy(seeds, 'reinit', (i, seed) => {
    calls.push([i, seed]);
    return { ...signals(1000, 0.69), seed: 1000 };
  });
  assert.deepEqual(calls, [[0, reinitSeed(1000)]]);
  assert.notEqual(reinitSeed(1000), 1000);
  assert.equal(records[0].collapsed, true);
  assert.equal(records[0].reinitCollapsed, false);
  assert.equal(representative, 1000); // the retrained head is at the median now
});

test('shownHead picks the representative seed of RUN/heads/representative.json, else the lowest', () => {
  const run = mkdtempSync(join(tmpdir(), 'qmri-shown-'));
  const head = { kind: 'linear', inDim: 2, classes: 2, weight: [1, 0, 0, 1], bias: [0, 0] };
  for (const seed of [1000, 1001, 1002]) saveHead(runPaths(run).head('linear', seed), head as never);
  assert.equal(shownHead(run, 'linear')!.seed, 1000);
  writeFileSync(runPaths(run).representative, JSON.stringify({ linear: 1002 }));
  assert.equal(shownHead(run, 'linear')!.seed, 1002);
  assert.equal(shownHead(run, 'quantum'), null);
});
