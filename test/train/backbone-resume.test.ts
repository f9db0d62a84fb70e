import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors } from '../../src/engine/index.js';
import { runPaths } from '../../src/run/index.js';
import { loadCheckpoint } from '../../src/train/index.js';

const helper = fileURLToPath(new URL('./helpers/tiny-backbone.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(root, 'node_modules/tsx/dist/esm/index.mjs');
const EPOCHS = 4;

function runChild(
  run: string,
  killAfterFirstCheckpoint: boolean,
): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    // when it is to be killed, the child holds after the first epoch's line (its checkpoint is on
    // disk by then), so the kill lands at a known point however slow the machine is
    const args = [helper, run, String(EPOCHS), ...(killAfterFirstCheckpoint ? ['hold'] : [])];
    const child = spawn(process.execPath, ['--import', `file://${tsx}`, ...args], {
      cwd: root,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // a checkpoint is written before the epoch line is printed
      if (killAfterFirstCheckpoint && /epoch 1\/4/.test(out)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out }));
  });
}

const weights = (run: string) => {
  const st = readSafetensors(runPaths(run).model);
  return new Map(
    [...st.tensors].map(([k, e]) => [k, Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength)]),
  );
};

test('training killed with SIGKILL after the first checkpoint resumes to the same weights as an uninterrupted run', async () => {
  const a = mkdtempSync(join(tmpdir(), 'qmri-resume-a-'));
  const b = mkdtempSync(join(tmpdir(), 'qmri-resume-b-'));
  const full = await runChild(a, false);
  assert.equal(full.code, 0, full.out);

  const killed = await runChild(b, true);
  assert.equal(killed.signal, 'SIGKILL', `child was not killed: ${killed.out}`);
  const ck = loadCheckpoint(runPaths(b).checkpoint);
  assert.ok(ck, 'a checkpoint survives the kill');
  assert.equal(ck.state.epoch, 1, 'the checkpoint holds the first epoch');
  const resumed = await runChild(b, false);
  assert.equal(resumed.code, 0, resumed.out);
  assert.match(resumed.out, /resuming from .*checkpoint\.safetensors: epoch 2\/4/);

  const wa = weights(a);
  const wb = weights(b);
  assert.deepEqual([...wa.keys()].sort(), [...wb.keys()].sort());
  for (const [k, v] of wa) assert.ok(v.equals(wb.get(k)!), `weights '${k}' differ after resume`);
  // the logs agree epoch by epoch (loss and validation metrics)
  const logs = (run: string) =>
    readFileSync(runPaths(run).trainLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { epoch: number; loss: number; valMacroF1: number });
  assert.deepEqual(
    logs(a).map((l) => [l.epoch, l.loss, l.valMacroF1]),
    logs(b).map((l) => [l.epoch, l.loss, l.valMacroF1]),
  );
  assert.equal(logs(a).length, EPOCHS);
  assert.ok(existsSync(runPaths(b).backboneMetrics));
});

test('a time limit stops between epochs (at least one per session) with a resumable checkpoint; the resumed run ends where an uninterrupted one does', async () => {
  const { trainBackboneOnData } = await import('../../src/train/index.js');
  const { tinyConfig, tinyData, flipHalf } = await import('./helpers/tiny-backbone.js');
  const a = mkdtempSync(join(tmpdir(), 'qmri-limit-a-'));
  const b = mkdtempSync(join(tmpdir(), 'qmri-limit-b-'));
  const full = trainBackboneOnData(a, tinyData(), tinyConfig(3), { augment: flipHalf });
  const cut = trainBackboneOnData(
    b,
    tinyData(),
    { ...tinyConfig(3), timeLimitMinutes: 1e-6 },
    { augment: flipHalf },
  );
  assert.equal(cut.stopped, 'time-limit');
  assert.equal(cut.epochsDone, 1);
  // a limit shorter than any epoch still trains one epoch per session, so resuming makes progress
  const cut2 = trainBackboneOnData(
    b,
    tinyData(),
    { ...tinyConfig(3), timeLimitMinutes: 1e-6 },
    { augment: flipHalf },
  );
  assert.equal(cut2.resumedFrom, 1);
  assert.equal(cut2.stopped, 'time-limit');
  assert.equal(cut2.epochsDone, 2);
  const rest = trainBackboneOnData(b, tinyData(), tinyConfig(3), { augment: flipHalf });
  assert.equal(rest.resumedFrom, 2);
  assert.equal(rest.stopped, 'epochs');
  assert.deepEqual(rest.test.confusion, full.test.confusion);
  const wa = weights(a);
  for (const [k, v] of weights(b)) assert.ok(v.equals(wa.get(k)!), `weights '${k}' differ`);
});
