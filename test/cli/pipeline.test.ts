import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiment, type RunOutcome } from '../../src/cli/pipeline.js';
import { tinyConfig } from './tiny-config.js';

const states = (r: RunOutcome) => Object.fromEntries(r.stages.map((s) => [s.stage, s.state]));

test('qmri run: resolved config written, finished stages skipped, a changed stage redone with the stages after it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-pipeline-'));
  const run = join(dir, 'run');
  try {
    const first = await runExperiment(tinyConfig(run, 1));
    assert.deepEqual(states(first), {
      phantoms: 'done',
      data: 'done',
      backbone: 'done',
      features: 'done',
      compare: 'done',
      explain: 'off',
      noise: 'off',
      report: 'done',
    });
    const saved = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
    assert.equal(saved.compare.seeds, 1);
    assert.equal(saved.backbone.lr, 1e-3); // a default, filled in
    assert.ok(existsSync(join(run, 'heads', 'quantum-seed1000.json')));
    const model = readFileSync(join(run, 'backbone', 'model.safetensors'));

    // a run folder in use by a live qmri process is refused; a lock left by a dead one is taken over
    writeFileSync(join(run, '.qmri.lock'), `${process.ppid}\n`);
    await assert.rejects(
      runExperiment(tinyConfig(run, 2)),
      new RegExp(`in use by qmri process ${process.ppid}`),
    );
    writeFileSync(join(run, '.qmri.lock'), '2147483646\n');

    // only the comparison changed: data and backbone are kept, compare and report redone
    const lines: string[] = [];
    const second = await runExperiment(tinyConfig(run, 2), { log: (l) => lines.push(l) });
    assert.deepEqual(
      [second.stages[2].state, second.stages[3].state, second.stages[4].state],
      ['skipped', 'skipped', 'done'],
    );
    assert.ok(lines.some((l) => /compare: config changed since the last run: redoing compare/.test(l)));
    assert.ok(existsSync(join(run, 'heads', 'quantum-seed1001.json')));
    assert.deepEqual(readFileSync(join(run, 'backbone', 'model.safetensors')), model);
    const cmp = JSON.parse(readFileSync(join(run, 'compare', 'results.json'), 'utf8'));
    assert.equal(cmp.heads[0].perSeed.length, 2);
    assert.equal(existsSync(join(run, '.qmri.lock')), false);

    // an image edited in place (same size, same modification time) redoes data and every later stage
    const manifest = JSON.parse(readFileSync(join(run, 'data', 'manifest.json'), 'utf8'));
    const img = join(manifest.root, manifest.entries[0].file);
    const { mtime, atime } = statSync(img);
    const bytes = readFileSync(img);
    const edited = Buffer.from(bytes);
    edited[edited.length - 20] ^= 0xff;
    writeFileSync(img, edited);
    utimesSync(img, atime, mtime);
    const edits: string[] = [];
    const third = await runExperiment(tinyConfig(run, 2), { log: (l) => edits.push(l) });
    assert.ok(
      edits.some((l) =>
        /data: 1 image\(s\) changed since the manifest \(sha256\): redoing data, backbone/.test(l),
      ),
      edits.join('\n'),
    );
    assert.deepEqual([third.stages[1].state, third.stages[2].state], ['done', 'done']);

    // a corrupt stage record is named, not ignored
    writeFileSync(join(run, 'stages.json'), '{');
    await assert.rejects(runExperiment(tinyConfig(run, 2)), /stages\.json: not valid JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
