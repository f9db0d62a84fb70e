import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fx = `${root}test/fixtures/densenet/`;
const qmri = (...args: string[]) => spawnSync(`${root}bin/qmri`, args, { encoding: 'utf8' });
const f32 = (name: string) => {
  const b = readFileSync(fx + name);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

test('qmri embed --json matches torchvision features and logits within 1e-4', () => {
  const r = qmri(
    'embed',
    '--weights',
    fx + 'weights.safetensors',
    '--raw',
    fx + 'input.f32',
    '--shape',
    '2,3,32,32',
    '--json',
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { embed: number[][]; logits: number[][] };
  const embed = f32('embed.f32');
  const logits = f32('logits.f32');
  assert.equal(out.embed.length, 2);
  assert.equal(out.logits.length, 2);
  out.embed.flat().forEach((v, i) => assert.ok(Math.abs(v - embed[i]) <= 1e-4, `embed[${i}]`));
  out.logits.flat().forEach((v, i) => assert.ok(Math.abs(v - logits[i]) <= 1e-4, `logits[${i}]`));
});

test('qmri embed rejects bad input with one clear line and a non-zero exit', () => {
  const cases: [string[], RegExp][] = [
    [['--raw', fx + 'input.f32', '--shape', '3,3,32,32'], /needs 36864 bytes/],
    [['--raw', fx + 'input.f32', '--shape', '2,1,32,32'], /channel dimension must be 3/],
    [['--raw', fx + 'input.f32', '--shape', 'a,b'], /four positive integers/],
    [['--raw', fx + 'missing.f32', '--shape', '2,3,32,32'], /missing\.f32: raw input file not found/],
  ];
  for (const [args, re] of cases) {
    const r = qmri('embed', '--weights', fx + 'weights.safetensors', ...args);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const g = qmri('embed', '--weights', fx + 'input.f32', '--raw', fx + 'input.f32', '--shape', '2,3,32,32');
  assert.notEqual(g.status, 0);
  assert.match(g.stderr, /input\.f32: garbled safetensors header/);
});

test('qmri --help lists the commands; an unknown command fails', () => {
  const h = qmri('--help');
  assert.equal(h.status, 0);
  assert.match(h.stdout, /embed/);
  const u = qmri('no-such-command');
  assert.notEqual(u.status, 0);
  assert.match(u.stderr, /unknown command/);
});
