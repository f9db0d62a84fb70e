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

test('qmri embed --images runs files through the data pipeline (same features as their preprocessed raw tensor)', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const sharp = (await import('sharp')).default;
  const { preprocessFile } = await import('../../src/data/index.js');
  const dir = mkdtempSync(`${tmpdir()}/qmri-embed-`);
  const files: string[] = [];
  for (let i = 0; i < 2; i++) {
    const px = Buffer.alloc(40 * 48);
    for (let k = 0; k < px.length; k++) px[k] = (k * (i + 3) + 17 * Math.floor(k / 48)) % 256;
    const f = `${dir}/img${i}.png`;
    await sharp(px, { raw: { width: 48, height: 40, channels: 1 } })
      .png()
      .toFile(f);
    files.push(f);
  }
  const raw = new Float32Array(2 * 3 * 32 * 32);
  for (let i = 0; i < 2; i++)
    raw.set(
      (await preprocessFile(files[i], { size: 32, brainCrop: false, normalize: 'imagenet' })).input,
      i * 3 * 32 * 32,
    );
  writeFileSync(`${dir}/raw.f32`, Buffer.from(raw.buffer));
  const w = fx + 'weights.safetensors';
  const a = qmri('embed', '--weights', w, '--images', ...files, '--size', '32', '--json');
  assert.equal(a.status, 0, a.stderr);
  const b = qmri('embed', '--weights', w, '--raw', `${dir}/raw.f32`, '--shape', '2,3,32,32', '--json');
  assert.equal(b.status, 0, b.stderr);
  const ea = (JSON.parse(a.stdout) as { embed: number[][] }).embed.flat();
  const eb = (JSON.parse(b.stdout) as { embed: number[][] }).embed.flat();
  assert.equal(ea.length, eb.length);
  ea.forEach((v, i) => assert.ok(Math.abs(v - eb[i]) <= 1e-5, `embed[${i}]`));
  // a text file with an image extension is named in one clear error line
  writeFileSync(`${dir}/fake.png`, 'not an image');
  const bad = qmri('embed', '--weights', w, '--images', `${dir}/fake.png`, '--size', '32');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /fake\.png/);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
});
