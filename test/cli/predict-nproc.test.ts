import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTinyRun } from '../server/tiny-run.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const QMRI = join(ROOT, 'bin', 'qmri');

function predict(run: string, out: string, images: string[], extra: string[] = []) {
  const r = spawnSync(
    QMRI,
    ['predict', '--run', run, '--out', out, '--json', '--threads', '1', ...extra, ...images],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split(out).join('OUT');
}

test('predict --nproc 2: two worker processes give the same JSON and overlays as one, in input order', async () => {
  const run = await buildTinyRun();
  const dir = join(run, 'images');
  const images = readdirSync(dir)
    .sort()
    .slice(0, 3)
    .map((f) => join(dir, f));
  const one = predict(run, join(run, 'p1'), images);
  const two = predict(run, join(run, 'p2'), images, ['--nproc', '2']);
  assert.equal(two, one);
  const results = (JSON.parse(one) as { results: { image: string }[] }).results;
  assert.deepEqual(
    results.map((r) => r.image),
    images,
  );
  assert.deepEqual(readdirSync(join(run, 'p2')).sort(), readdirSync(join(run, 'p1')).sort());
});
