/**
 * bin/qmri before set-up: a copy of the launcher in a folder without node_modules (then with
 * node_modules but without the native addon) prints one line saying to run scripts/setup.sh and
 * exits 2, never a Node.js stack trace.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'qmri-first-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function runCopy(dir: string) {
  const r = spawnSync(join(dir, 'bin', 'qmri'), ['--help'], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

function expectSetupHint(r: { code: number | null; out: string }): void {
  assert.equal(r.code, 2, r.out);
  const lines = r.out.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `one line, got:\n${r.out}`);
  assert.match(lines[0], /run 'bash scripts\/setup\.sh'/);
  assert.doesNotMatch(r.out, /ERR_MODULE_NOT_FOUND|at .*\(node:/);
}

test('bin/qmri without node_modules: one line naming scripts/setup.sh, exit 2', () => {
  const dir = join(tmp, 'bare');
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'scripts'), join(dir, 'scripts'), { recursive: true });
  cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  expectSetupHint(runCopy(dir));
});

test('bin/qmri with node_modules but no native addon: the same one line, exit 2', () => {
  const dir = join(tmp, 'no-addon');
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'scripts'), join(dir, 'scripts'), { recursive: true });
  cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'native'));
  expectSetupHint(runCopy(dir));
});

test('the real launcher (set up) runs', () => {
  const r = spawnSync(join(ROOT, 'bin', 'qmri'), ['--help'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Usage: qmri/);
});
