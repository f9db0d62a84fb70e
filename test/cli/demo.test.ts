/**
 * The embedded demo end to end through bin/qmri (a child process, as a user runs it):
 * `qmri demo --quick` → every stage's files exist and are well-formed, the report has its sections;
 * a rerun of the same config skips every finished stage; `qmri predict` on one phantom of the run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const QMRI = join(ROOT, 'bin', 'qmri');

function qmri(...args: string[]) {
  const r = spawnSync(QMRI, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, QMRI_DEBUG: '1' } });
  assert.equal(r.status, 0, `qmri ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const isProb = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;

test('qmri demo --quick writes a complete, well-formed run folder and report; a rerun resumes; predict works on it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-demo-'));
  const run = join(dir, 'run');
  try {
    const out = qmri('demo', '--quick', '--out', run, '--threads', '1', '--json');
    assert.equal(out.run, run);
    assert.equal(out.report, join(run, 'report.html'));
    const states = Object.fromEntries(
      out.stages.map((s: { stage: string; state: string }) => [s.stage, s.state]),
    );
    for (const s of ['phantoms', 'data', 'backbone', 'features', 'compare', 'explain', 'noise', 'report'])
      assert.equal(states[s], 'done', s);

    // resolved config, manifest, backbone metrics, features, heads
    const cfg = json(join(run, 'config.json'));
    assert.equal(cfg.data.synthetic.n, 240);
    assert.equal(typeof cfg.backbone.epochs, 'number');
    const manifest = json(join(run, 'data', 'manifest.json'));
    assert.equal(manifest.entries.length, 240);
    assert.deepEqual(
      new Set(manifest.entries.map((e: { split: string }) => e.split)),
      new Set(['train', 'val', 'test']),
    );
    const bm = json(join(run, 'backbone', 'metrics.json'));
    assert.ok(isProb(bm.test.accuracy));
    assert.equal(bm.test.confusion.length, 4);
    for (const s of ['train', 'val', 'test'])
      assert.ok(existsSync(join(run, 'features', `${s}.safetensors`)), s);
    const heads = readdirSync(join(run, 'heads'));
    for (const k of ['linear', 'bottleneck', 'quantum'])
      assert.ok(
        heads.some((h) => h.startsWith(`${k}-seed`)),
        k,
      );

    // the comparison: every head with a CI, verdict sentences
    const cmp = json(join(run, 'compare', 'results.json'));
    assert.deepEqual(
      cmp.heads.map((h: { kind: string }) => h.kind),
      ['linear', 'bottleneck', 'quantum'],
    );
    for (const h of cmp.heads) {
      assert.ok(isProb(h.accuracy.mean));
      assert.ok(h.accuracy.lo <= h.accuracy.mean && h.accuracy.mean <= h.accuracy.hi);
      assert.equal(h.perSeed.length, cfg.compare.seeds);
    }
    assert.ok(cmp.comparisons.length >= 2);
    for (const c of cmp.comparisons) {
      assert.match(c.sentence, /^quantum head [−+-]?\d/);
      assert.ok(['better', 'worse', 'equivalent', 'inconclusive'].includes(c.verdict.label));
      assert.ok(c.verdict.pHolm >= c.verdict.p);
    }

    // the noise study
    const noise = json(join(run, 'noise', 'results.json'));
    assert.ok(noise.points.length > 0);
    for (const p of noise.points) assert.ok(isProb(p.accuracy) && p.accuracyLo <= p.accuracyHi);

    // the explanation audit
    const audit = json(join(run, 'explain', 'audit.json'));
    assert.equal(audit.cases.length, cfg.explain.cases);
    for (const c of audit.cases) assert.equal(typeof c.flagged, 'boolean');

    // the report: self-contained, every section present and rendered
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    for (const id of ['audit', 'training', 'comparison', 'heads', 'explain', 'noise', 'circuit', 'repro'])
      assert.match(html, new RegExp(`<section id="${id}">`), id);
    assert.match(html, /class="verdict">quantum head/);
    assert.doesNotMatch(html, /<script |<link /);
    const summary = json(join(run, 'report', 'summary.json'));
    for (const s of summary.sections) assert.equal(s.state, 'ok', s.id);
    assert.ok(summary.charts.length >= 8);
    for (const png of summary.charts) assert.ok(existsSync(join(run, png)), png);
    assert.match(summary.gitCommit ?? 'none', /^([0-9a-f]{40}(\+dirty)?|none)$/);

    // a rerun of the resolved config: every finished stage is skipped, the report rewritten
    const again = qmri('run', '--config', join(run, 'config.json'), '--threads', '1', '--json');
    for (const s of again.stages as { stage: string; state: string }[])
      assert.equal(s.state, s.stage === 'report' ? 'done' : 'skipped', s.stage);

    // predict on one phantom of the run
    const img = manifest.entries.find((e: { split: string }) => e.split === 'test').file;
    const pred = qmri(
      'predict',
      '--run',
      run,
      join(manifest.root, img),
      '--out',
      join(dir, 'pred'),
      '--json',
    );
    assert.equal(pred.results.length, 1);
    const r = pred.results[0];
    assert.ok(r.models.length >= 2);
    for (const m of r.models) {
      const total = Object.values(m.probs as Record<string, number>).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total - 1) < 1e-4, `${m.model}: probabilities sum to ${total}`);
      assert.ok(manifest.classes.includes(m.predicted));
      assert.ok(existsSync(m.overlays.gradcam), `${m.model}: Grad-CAM overlay`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
