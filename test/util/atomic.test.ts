import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../src/util/atomic.js';

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
