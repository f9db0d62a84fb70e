/**
 * Crash-resume in a small form: bench/chaos kills the seeded quick demo once inside each stage
 * (SIGKILL at a seeded random moment), resumes it, and compares the final run folder with an
 * uninterrupted run of the same seed (same files, same numbers). The full form (≥ 30 kills) is
 * `node --import tsx bench/chaos/chaos.ts --kills-per-stage 5`; its figures are in BENCHMARKS.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test(
  'the pipeline killed with -9 in every stage resumes to the uninterrupted result',
  { timeout: 900_000 },
  () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/chaos/chaos.ts', '--kills-per-stage', '1', '--seed', '3'],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, `chaos run failed:\n${r.stdout}\n${r.stderr.slice(-2000)}`);
    const out = JSON.parse(r.stdout) as {
      kills: number;
      differenceCount: number;
      byStage: Record<string, number>;
    };
    assert.equal(out.differenceCount, 0);
    assert.ok(out.kills >= 4, `only ${out.kills} kills landed`);
  },
);
