/** The circuit-template and noise-channel registries (src/quantum/templates, src/quantum/channels). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHANNELS,
  CHANNEL_NAMES,
  SWEEPS,
  TEMPLATES,
  TEMPLATE_NAMES,
  headCircuit,
  krausOperators,
  parseCircuitSpec,
  templateOf,
  type ChannelSpec,
  type Kraus2,
} from '../../src/quantum/index.js';
import { SWEEP_CHANNELS, SWEEP_LABELS, sweepNoiseModel } from '../../src/noise/index.js';

/** Σ K†K for 2×2 complex Kraus operators. */
function completeness(ks: Kraus2[]): number[] {
  const s = [0, 0, 0, 0, 0, 0, 0, 0];
  for (const k of ks) {
    // (K†K)_ij = Σ_r conj(K_ri) K_rj
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++)
        for (let r = 0; r < 2; r++) {
          const [ar, ai] = [k[(r * 2 + i) * 2], k[(r * 2 + i) * 2 + 1]];
          const [br, bi] = [k[(r * 2 + j) * 2], k[(r * 2 + j) * 2 + 1]];
          s[(i * 2 + j) * 2] += ar * br + ai * bi;
          s[(i * 2 + j) * 2 + 1] += ar * bi - ai * br;
        }
  }
  return s;
}

test('every template: its weight shape is the weight count of the head circuit it builds', () => {
  assert.deepEqual(TEMPLATE_NAMES, ['strong', 'basic']);
  for (const name of TEMPLATE_NAMES) {
    const t = TEMPLATES[name];
    assert.equal(t.name, name);
    assert.ok(t.label.length > 0);
    for (const [layers, qubits] of [
      [1, 2],
      [3, 4],
    ]) {
      const c = headCircuit({ qubits, layers, template: name });
      assert.equal(
        c.nWeights,
        t.weightShape(layers, qubits).reduce((a, b) => a * b, 1),
        name,
      );
      const weights = c.ops.flatMap((o) => o.params.filter((p) => p.kind === 'weight').map((p) => p.index));
      assert.deepEqual(
        [...new Set(weights)].sort((a, b) => a - b),
        [...Array(c.nWeights).keys()],
        name,
      );
    }
  }
  assert.throws(() => templateOf('fancy'), /template: must be "strong" or "basic", got "fancy"/);
  assert.throws(
    () => parseCircuitSpec({ qubits: 2, layers: 1, template: 'fancy', weights: [[0, 0]] }),
    /template: must be "strong" or "basic"/,
  );
});

test('every Kraus channel is trace preserving (Σ K†K = I) over its range; bad options name the field', () => {
  assert.deepEqual(CHANNEL_NAMES, [
    'depolarizing',
    'amplitude_damping',
    'phase_damping',
    'bit_flip',
    'phase_flip',
    'thermal_relaxation',
  ]);
  for (const name of CHANNEL_NAMES) {
    const specs: ChannelSpec[] =
      name === 'thermal_relaxation'
        ? [{ channel: name, t1: 50, t2: 80, time: 7 }]
        : [0, 0.37, 1].map((p) => ({ channel: name, p }));
    for (const spec of specs) {
      const s = completeness(krausOperators(spec));
      [1, 0, 0, 0, 0, 0, 1, 0].forEach((v, i) => assert.ok(Math.abs(s[i] - v) < 1e-12, `${name}: ${s}`));
    }
    const bad: ChannelSpec =
      name === 'thermal_relaxation' ? { channel: name, t1: 1, t2: 3, time: 1 } : { channel: name, p: 1.5 };
    assert.throws(
      () => krausOperators(bad),
      name === 'thermal_relaxation' ? /channel\.t2/ : /channel\.p: must be in \[0, 1\]/,
    );
  }
  assert.throws(() => krausOperators({ channel: 'readout' as never, p: 0.1 }), /unknown channel "readout"/);
});

test('the swept channels come from the registry, in its order, with labels and models', () => {
  assert.deepEqual(
    SWEEP_CHANNELS,
    SWEEPS.map((s) => s.name),
  );
  assert.deepEqual(SWEEP_CHANNELS, [
    'depolarizing_1q',
    'depolarizing_2q',
    'amplitude_damping',
    'phase_damping',
    'bit_flip',
    'readout',
  ]);
  assert.equal(new Set(SWEEP_CHANNELS).size, SWEEP_CHANNELS.length);
  for (const c of CHANNELS)
    for (const s of c.sweeps) {
      assert.equal(SWEEP_LABELS[s.name as keyof typeof SWEEP_LABELS], s.label);
      const m = sweepNoiseModel(s.name as (typeof SWEEP_CHANNELS)[number], 0.02);
      // a swept model attaches this channel (or sets readout) at the level
      if (m.rules.length) assert.ok(m.rules.every((r) => r.channel === c.name && r.p === 0.02));
      else assert.deepEqual(m.readout, [0.02, 0.02]);
    }
});
