import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPORT_SECTIONS, writeReport } from '../../src/report/index.js';
import { esc } from '../../src/report/html.js';
import { CLASSES, writeFixtureRun } from './fixture-run.js';

test('an empty run folder gives a report whose every stage section says "not run"', async () => {
  const run = mkdtempSync(join(tmpdir(), 'qmri-report-empty-'));
  try {
    const path = await writeReport(run);
    const html = readFileSync(path, 'utf8');
    for (const id of REPORT_SECTIONS) assert.match(html, new RegExp(`<section id="${id}">`));
    const summary = JSON.parse(readFileSync(join(run, 'report', 'summary.json'), 'utf8'));
    const states = Object.fromEntries(
      summary.sections.map((s: { id: string; state: string }) => [s.id, s.state]),
    );
    for (const id of REPORT_SECTIONS.filter((s) => s !== 'repro')) assert.equal(states[id], 'not run', id);
    assert.equal((html.match(/<strong>not run<\/strong>/g) ?? []).length, REPORT_SECTIONS.length - 1);
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});

test('a trained run gives a self-contained report with charts exported as PNG', async () => {
  const run = mkdtempSync(join(tmpdir(), 'qmri-report-'));
  try {
    await writeFixtureRun(run);
    // a corrupt explain audit must be reported as unreadable, not crash the report
    mkdirSync(join(run, 'explain'), { recursive: true });
    writeFileSync(join(run, 'explain', 'audit.json'), '{"cases": [');
    const html = readFileSync(await writeReport(run), 'utf8');
    const summary = JSON.parse(readFileSync(join(run, 'report', 'summary.json'), 'utf8'));
    const states = Object.fromEntries(
      summary.sections.map((s: { id: string; state: string }) => [s.id, s.state]),
    );
    for (const id of ['summary', 'audit', 'training', 'comparison', 'heads', 'circuit', 'repro'])
      assert.equal(states[id], 'ok', id);
    assert.equal(states.explain, 'unreadable');
    assert.equal(states.noise, 'not run');
    assert.match(html, /class="verdict">quantum head/);
    // the structured verdicts: the same p as results.json, the forest plot, the methods paragraph
    const res = JSON.parse(readFileSync(join(run, 'compare', 'results.json'), 'utf8'));
    for (const c of res.comparisons) assert.ok(html.includes(esc(c.sentence)), c.sentence);
    assert.ok(summary.charts.includes('report/plots/comparison_forest.png'));
    assert.match(html, /Holm p/);
    // the report opens with the summary: every verdict label, each head's primary metric with its CI
    const sum = html.slice(html.indexOf('<section id="summary">'), html.indexOf('<section id="audit">'));
    assert.ok(html.indexOf('<section id="summary">') < html.indexOf('<section id="audit">'));
    for (const c of res.comparisons) assert.ok(sum.includes(`<b>${c.verdict.label}</b>`), c.verdict.label);
    assert.match(sum, /balancedAccuracy \(primary\) \[95% CI\]/);
    assert.match(sum, /Explanation audit:/);
    assert.match(html, /<b>Methods\.<\/b> Primary metric \(declared in the config\): balancedAccuracy/);
    for (const c of CLASSES) assert.ok(html.includes(c), c);
    assert.match(html, /no group appears in two splits/);
    assert.match(html, /macro AUC/);
    assert.match(html, /ECE/);
    assert.match(html, /config hash/);
    // the circuit section says how the encoder was trained (the default: batch norm, folded in)
    assert.match(html, /trained with batch-normalised outputs \(compare\.encoderNorm: batch\)/);
    assert.match(html, /explain\/audit\.json: not valid JSON/);
    // self-contained: no external resources (SVG namespaces are not fetched)
    const urls = (html.match(/(?:src|href)="(?!#|data:)[^"]*"/g) ?? []).filter(
      (u) => !u.includes('www.w3.org'),
    );
    assert.deepEqual(urls, []);
    assert.doesNotMatch(html, /<link |<script /);
    const plots = readdirSync(join(run, 'report', 'plots'));
    for (const name of [
      'training_loss',
      'confusion_linear',
      'confusion_quantum',
      'roc',
      'calibration',
      'comparison_accuracy',
    ])
      assert.ok(plots.includes(`${name}.png`) && plots.includes(`${name}.svg`), name);
    for (const png of summary.charts) {
      const b = readFileSync(join(run, png));
      assert.deepEqual([...b.subarray(1, 4)], [0x50, 0x4e, 0x47], png);
    }
    assert.ok(existsSync(join(run, 'report.html')));
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});

test('writeReport names a missing run folder', async () => {
  await assert.rejects(
    writeReport(join(tmpdir(), 'qmri-no-such-run-xyz')),
    /qmri-no-such-run-xyz: run folder not found/,
  );
});

test('the noise section gives each break-even level its grouped interval, or says it has none', async () => {
  const run = mkdtempSync(join(tmpdir(), 'qmri-report-noise-'));
  try {
    mkdirSync(join(run, 'noise'), { recursive: true });
    const crossing = { status: 'crosses', level: 0.02 };
    writeFileSync(
      join(run, 'noise', 'results.json'),
      JSON.stringify({
        points: [{ section: 'reference', setting: 'linear', accuracy: 0.8 }],
        sweeps: [
          {
            channel: 'depolarizing',
            breakEven: { linear: { accuracy: crossing }, bottleneck: { accuracy: crossing } },
            breakEvenInterval: {
              linear: { ...crossing, ci: [0.0125, null] },
              bottleneck: { ...crossing, ci: null },
            },
          },
        ],
      }),
    );
    const html = readFileSync(await writeReport(run), 'utf8');
    const noise = html.slice(html.indexOf('<section id="noise">'));
    assert.match(
      noise,
      /<td>linear<\/td><td>crosses<\/td><td>0\.02000<\/td><td>\[0\.01250, not reached\]<\/td>/,
    );
    assert.match(
      noise,
      /<td>bottleneck<\/td><td>crosses<\/td><td>0\.02000<\/td><td>no interval \(one test group\)<\/td>/,
    );
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});
