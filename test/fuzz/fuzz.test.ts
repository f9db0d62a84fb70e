/**
 * The seeded fuzz run of every decoder and parser (bench/fuzz, a few hundred cases per target; the
 * benchmark runs 100,000): no crash (only the module's documented error, naming the file and the
 * problem), no hang (per-case limit), bounded memory. The same cases on every run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzTarget } from '../../bench/fuzz/harness.js';
import { TARGETS } from '../../bench/fuzz/targets/index.js';
import { namesFileAndProblem } from '../../bench/fuzz/targets/target.js';

const CASES = 300;

test('the crash check accepts only the documented error naming the file and the problem', () => {
  const ok = (e: Error) => e.constructor === Error;
  assert.equal(namesFileAndProblem(new Error('a.png: truncated data'), 'a.png', ok), null);
  assert.match(namesFileAndProblem(new TypeError('a.png: x of undefined'), 'a.png', ok)!, /documented/);
  assert.match(namesFileAndProblem(new Error('truncated data'), 'a.png', ok)!, /name the file/);
  assert.match(namesFileAndProblem(new Error('a.png:'), 'a.png', ok)!, /problem/);
  assert.match(namesFileAndProblem('boom', 'a.png', ok)!, /non-Error/);
});

for (const target of TARGETS)
  test(`fuzz ${target.name}: ${CASES} seeded cases, no crash, hang or memory blow-up`, async () => {
    const rep = await fuzzTarget(target.name, {
      cases: CASES,
      seed: 20261205,
      timeLimitMs: 30_000,
      maxRssBytes: 2 * 2 ** 30,
    });
    assert.deepEqual(rep.failures, [], `${target.name}: ${JSON.stringify(rep.failures.slice(0, 5))}`);
    const total = Object.values(rep.outcomes).reduce((a, b) => a + b, 0);
    assert.equal(total, CASES);
    // the target reaches both sides: its unmutated seeds decode (a target that refuses everything
    // proves nothing), most mutated cases are refused with the documented error. Not "some mutated
    // case decodes": for .nii.gz about 1 case in 125 survives the gzip check, and the corpus seeds
    // (nibabel writes the gzip mtime) change the sampled cases from one set-up to the next.
    const seeds = await target.seeds();
    let seedsDecoded = 0;
    for (const [i, s] of seeds.entries())
      seedsDecoded += await target.run(s.bytes, target.fileName(i)).then(
        () => 1,
        () => 0,
      );
    assert.ok(seedsDecoded > 0, `${target.name}: none of ${seeds.length} seeds decodes`);
    assert.ok(total - (rep.outcomes.decoded ?? 0) > CASES / 2, JSON.stringify(rep.outcomes));
  });
