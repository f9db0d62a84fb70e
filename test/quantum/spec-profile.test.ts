/** A circuit spec naming an unknown profile: the error names the spec and the field (found by bench/fuzz). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCircuitSpec } from '../../src/quantum/spec.js';

test('unknown profile in a circuit spec: the error names the spec file and the profile field', () => {
  const spec = { qubits: 2, template: 'basic', layers: 1, weights: [[0.1, 0.2]], profile: 'hieron' };
  assert.throws(
    () => parseCircuitSpec(spec, 'my-spec.json'),
    /^Error: my-spec\.json: profile: hieron: no such profile/,
  );
  assert.equal(parseCircuitSpec({ ...spec, profile: 'heron' }, 'my-spec.json').profile, 'heron');
});
