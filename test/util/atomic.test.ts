import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepTempFiles, writeFileAtomic, writeJsonAtomic } from '../../src/util/atomic.js';
import { Rng } from '../../src/util/rng.js';

test('atomic write replaces the file and leaves no temporary files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-atomic-'));
  const p = join(dir, 'sub', 'a.json');
  writeJsonAtomic(p, { x: 1 });
  assert.deepEqual(JSON.parse(readFileSync(p, 'utf8')), { x: 1 });
  writeFileAtomic(p, [Buffer.from('{"y":'), Buffer.from('2}')]);
  assert.deepEqual(JSON.parse(readFileSync(p, 'utf8')), { y: 2 });
  assert.deepEqual(readdirSync(join(dir, 'sub')), ['a.json']);
});

test('a failed write leaves the old file intact and names the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-atomic-'));
  const p = join(dir, 'b.txt');
  writeFileSync(p, 'old');
  assert.throws(() => writeFileAtomic(join(p, 'nested'), 'x'), /b\.txt/);
  assert.equal(readFileSync(p, 'utf8'), 'old');
});

test('a writer killed with -9 at random moments leaves the old or the new file, never a torn one', async () => {
  // a child process rewrites one 4 MiB file in a loop, alternating two contents; it is killed at
  // seeded random moments and the file must always be exactly one of the two contents
  const dir = mkdtempSync(join(tmpdir(), 'qmri-atomic-kill-'));
  const target = join(dir, 'big.bin');
  const size = 4 << 20;
  const child = `
    import { writeFileAtomic } from ${JSON.stringify(new URL('../../src/util/atomic.ts', import.meta.url).href)};
    const a = Buffer.alloc(${size}, 0x41), b = Buffer.alloc(${size}, 0x42);
    writeFileAtomic(${JSON.stringify(target)}, a);
    process.stdout.write('ready\\n');
    for (let i = 0; ; i++) writeFileAtomic(${JSON.stringify(target)}, i % 2 ? a : b);
  `;
  const rng = new Rng(7);
  let kills = 0;
  for (let round = 0; round < 6; round++) {
    const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => p.stdout!.once('data', () => resolve()));
    await new Promise((r) => setTimeout(r, 5 + (rng.nextU32() % 60)));
    p.kill('SIGKILL');
    await new Promise((r) => p.once('exit', r));
    kills++;
    const got = readFileSync(target);
    assert.equal(got.length, size, `round ${round}: torn file of ${got.length} bytes`);
    assert.ok(
      got.every((x) => x === got[0]) && (got[0] === 0x41 || got[0] === 0x42),
      `round ${round}: mixed`,
    );
  }
  assert.equal(kills, 6);
  // what the killed writers left behind is swept (as a run does when it takes its lock)
  sweepTempFiles(dir);
  assert.deepEqual(readdirSync(dir), ['big.bin']);
});

test('sweepTempFiles removes only the temporary files of the atomic writer, in every subfolder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-atomic-sweep-'));
  writeJsonAtomic(join(dir, 'a', 'keep.json'), { x: 1 });
  writeFileSync(join(dir, 'a', '.keep.json.4242.0.tmp'), 'torn');
  writeFileSync(join(dir, '.b.png.17.3.tmp'), 'torn');
  writeFileSync(join(dir, 'notes.tmp'), 'a user file');
  assert.equal(sweepTempFiles(dir), 2);
  assert.deepEqual(readdirSync(dir).sort(), ['a', 'notes.tmp']);
  assert.deepEqual(readdirSync(join(dir, 'a')), ['keep.json']);
});
