import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distOptionsFromEnv, shardOf } from '../../src/engine/index.js';

const worker = fileURLToPath(new URL('./dist-worker.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/esm/index.mjs', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
    s.on('error', rej);
  });
}

function runRank(out: string, env: Record<string, string>): Promise<void> {
  return new Promise((res, rej) => {
    const c = spawn(process.execPath, ['--import', `file://${tsx}`, worker, out], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    c.on('error', rej);
    c.on('exit', (code) =>
      code === 0 ? res() : rej(new Error(`rank ${env.RANK ?? '-'} exited with ${code}`)),
    );
  });
}

test('data parallel: 2 processes (Gloo on localhost) reach the same weights as 1 process with the same global batch', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-dist-'));
  await runRank(join(dir, 'one.json'), {});
  const port = String(await freePort());
  const env = { WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: port };
  await Promise.all([0, 1].map((r) => runRank(join(dir, 'two.json'), { ...env, RANK: String(r) })));
  const one = JSON.parse(readFileSync(join(dir, 'one.json'), 'utf8')) as number[][];
  const two = JSON.parse(readFileSync(join(dir, 'two.json'), 'utf8')) as number[][];
  assert.equal(two.length, one.length);
  let worst = 0;
  one.forEach((p, k) => p.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - two[k][i])))));
  // 3 AdamW steps at lr 0.05: identical up to float32 summation order
  assert.ok(worst < 1e-4, `largest weight difference ${worst}`);
});

test('data parallel: shards cover a batch once and env options are checked', () => {
  for (const [m, w] of [
    [8, 2],
    [7, 3],
    [2, 4],
  ]) {
    let next = 0;
    for (let r = 0; r < w; r++) {
      const { start, end } = shardOf(m, r, w);
      assert.equal(start, next);
      assert.ok(end - start >= Math.floor(m / w) && end - start <= Math.ceil(m / w));
      next = end;
    }
    assert.equal(next, m);
  }
  assert.equal(distOptionsFromEnv({}), null);
  assert.deepEqual(distOptionsFromEnv({ WORLD_SIZE: '2', RANK: '1', MASTER_PORT: '1234' }), {
    rank: 1,
    worldSize: 2,
    masterAddr: '127.0.0.1',
    masterPort: 1234,
  });
  assert.throws(() => distOptionsFromEnv({ WORLD_SIZE: '2', RANK: '2' }), /rank must be in 0\.\.1, got 2/);
});
