import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const QMRI = join(ROOT, 'bin', 'qmri');

function qmri(...args: string[]) {
  const r = spawnSync(QMRI, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, QMRI_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('qmri --help lists every subcommand, and each has its own help', () => {
  const top = qmri('--help');
  assert.equal(top.code, 0);
  const all = [
    'data',
    'train',
    'embed',
    'ensemble',
    'compare',
    'explain',
    'noise',
    'circuit',
    'predict',
    'report',
    'run',
    'demo',
    'serve',
  ];
  for (const c of all) assert.match(top.stdout, new RegExp(`^\\s+${c}\\b`, 'm'), c);
  const run = qmri('run', '--help');
  assert.equal(run.code, 0);
  assert.match(run.stdout, /Usage: qmri run/);
  assert.match(run.stdout, /--config <file>/);
  // every registered subcommand (and sub-subcommand) has a description and a usage line
  const program = buildProgram();
  const walk = (c: Command, path: string[]): void => {
    for (const sub of c.commands) {
      const name = [...path, sub.name()];
      assert.ok(sub.description().length > 10, `${name.join(' ')}: no description`);
      assert.match(sub.helpInformation(), new RegExp(`Usage: qmri ${name.join(' ')}`), name.join(' '));
      // every command that does work (a leaf) takes --json
      if (sub.commands.length === 0)
        assert.ok(
          sub.options.some((o) => o.long === '--json'),
          `${name.join(' ')}: no --json`,
        );
      walk(sub, name);
    }
  };
  walk(program, []);
  assert.deepEqual(program.commands.map((c) => c.name()).sort(), [...all].sort());
  const data = program.commands.find((c) => c.name() === 'data')!;
  assert.deepEqual(data.commands.map((c) => c.name()).sort(), ['inspect', 'proxy', 'synth']);
  assert.match(program.commands.find((c) => c.name() === 'predict')!.helpInformation(), /--run <dir>/);
  assert.match(program.commands.find((c) => c.name() === 'demo')!.helpInformation(), /--quick/);
});

const parse = (...args: string[]) => buildProgram().parseAsync(['node', 'qmri', ...args]);

test('config errors: an unknown key by name with a suggestion, wrong types, missing file; one line, exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-cli-'));
  try {
    const cfg = join(dir, 'e.yaml');
    writeFileSync(cfg, 'data:\n  synthetic: { n: 40 }\ncompare:\n  qubit: 4\n');
    const r = qmri('run', '--config', cfg, '--out', join(dir, 'run'));
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(
      r.stderr,
      /^qmri: error: .*e\.yaml: unknown key 'compare\.qubit' \(did you mean 'qubits'\?\)/,
    );
    writeFileSync(cfg, 'data:\n  dir: /nowhere\nbackbone:\n  epochs: many\n');
    await assert.rejects(
      parse('run', '--config', cfg),
      /backbone\.epochs: must be an integer in \[1, 10000\], got "many"/,
    );
    writeFileSync(cfg, 'data: {dir: x}\nnoise:\n  channels: [gamma_rays]\n');
    await assert.rejects(
      parse('run', '--config', cfg),
      /noise\.channels\[0\]: must be one of "depolarizing_1q"/,
    );
    await assert.rejects(
      parse('run', '--config', join(dir, 'missing.yaml')),
      /missing\.yaml: config file not found/,
    );
    await assert.rejects(parse('run'), /required option '--config <file>'/);
    writeFileSync(cfg, `data: {dir: ${join(dir, 'nowhere')}}\n`);
    await assert.rejects(
      parse('run', '--config', cfg, '--out', join(dir, 'r')),
      /data\.dir: .*nowhere: folder not found/,
    );
    assert.equal(existsSync(join(dir, 'r')), false);
    // --dry-run: the resolved config, defaults filled in, nothing run
    writeFileSync(cfg, 'data: {dir: /d}\ncompare: {qubits: 6}\n');
    const dry = qmri('run', '--config', cfg, '--out', join(dir, 'dry'), '--dry-run', '--json');
    assert.equal(dry.code, 0, dry.stderr);
    const resolved = JSON.parse(dry.stdout);
    assert.equal(resolved.compare.qubits, 6);
    assert.equal(resolved.compare.layers, 2);
    assert.equal(resolved.out, join(dir, 'dry'));
    assert.equal(existsSync(join(dir, 'dry')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("commander's own errors (unknown option or command, missing argument) are one line with exit 2", () => {
  for (const [args, re] of [
    [['demo', '--bogus'], /^qmri: error: unknown option '--bogus' \(see qmri demo --help\)$/],
    [['serve'], /^qmri: error: required option '--run <dir>' not specified \(see qmri serve --help\)$/],
    [['circuit', 'draw'], /^qmri: error: missing required argument 'spec' \(see qmri circuit draw --help\)$/],
    [['nope'], /^qmri: error: unknown command 'nope' \(see qmri --help\)$/],
  ] as const) {
    const r = qmri(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
    assert.match(r.stderr.trim(), re, args.join(' '));
  }
});

test('missing run folder and missing images are named before any work', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-cli-'));
  try {
    const r = qmri('report', '--run', join(dir, 'nope'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^qmri: error: --run .*nope: run folder not found\n$/);
    await assert.rejects(parse('predict', '--run', join(dir, 'nope'), 'a.png'), /run folder not found/);
    await assert.rejects(parse('predict', '--run', dir, join(dir, 'a.png')), /a\.png: image file not found/);
    writeFileSync(join(dir, 'empty.png'), '');
    await assert.rejects(parse('predict', '--run', dir, join(dir, 'empty.png')), /empty\.png: empty file/);
    await assert.rejects(
      parse('demo', '--threads', 'zero'),
      /--threads: expected an integer in \[1, 256\], got 'zero'/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('qmri report on an empty run folder writes a report that says "not run" (and --json describes it)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-cli-'));
  try {
    const r = qmri('report', '--run', dir, '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.report, join(dir, 'report.html'));
    assert.ok(j.summary.sections.some((s: { state: string }) => s.state === 'not run'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
