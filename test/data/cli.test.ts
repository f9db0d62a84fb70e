import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const qmri = (...args: string[]) =>
  spawnSync(join(root, 'bin/qmri'), args, { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
const tmp = mkdtempSync(join(tmpdir(), 'qmri-data-cli-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

test('qmri data synth writes phantoms; qmri data inspect --json audits them and names unreadable files', () => {
  const out = join(tmp, 'ph');
  const s = qmri('data', 'synth', '--out', out, '--n', '12', '--size', '32', '--seed', '3', '--json');
  assert.equal(s.status, 0, s.stderr);
  assert.deepEqual(JSON.parse(s.stdout), { out, n: 12, size: 32, seed: 3 });
  assert.equal(
    readdirSync(join(out, 'pituitary')).filter((f) => f.endsWith('.png') && !f.includes('mask')).length,
    3,
  );
  writeFileSync(join(out, 'glioma', 'broken.jpg'), 'not a jpeg');
  const r = qmri('data', 'inspect', out, '--json');
  assert.equal(r.status, 0, r.stderr);
  const audit = JSON.parse(r.stdout);
  assert.equal(audit.total, 12);
  assert.deepEqual(audit.counts, { glioma: 3, meningioma: 3, notumor: 3, pituitary: 3 });
  assert.deepEqual(audit.unreadable, [
    { file: 'glioma/broken.jpg', problem: 'not an image: content is not JPEG, PNG, DICOM Part 10 or NIfTI' },
  ]);
  assert.equal(audit.shortcut.warning, false);
  const text = qmri('data', 'inspect', out);
  assert.match(text.stdout, /12 readable images in 4 classes/);
  assert.match(text.stdout, /glioma\/broken\.jpg: not an image/);
});

test('qmri data: bad arguments and missing folders are one-line errors', () => {
  const a = qmri('data', 'synth', '--out', join(tmp, 'x'), '--size', '8');
  assert.equal(a.status, 2);
  assert.match(a.stderr, /^qmri: error: --size must be an integer in \[16, 1024\], got '8'\n$/);
  const b = qmri('data', 'inspect', join(tmp, 'nowhere'));
  assert.equal(b.status, 1);
  assert.match(b.stderr, /^qmri: error: .*nowhere: dataset folder does not exist\n$/);
  const c = qmri('data', 'inspect', tmp, '--layout', 'weird');
  assert.equal(c.status, 2);
  assert.match(c.stderr, /--layout must be auto, folders or kaggle/);
});
