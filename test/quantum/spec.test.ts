import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GATE_PARAM_COUNT,
  isTwoQubitGate,
  type Circuit,
  type GateName,
  type Op,
} from '../../src/quantum/circuit.js';
import { evalCircuitSpec, parseCircuitSpec, specCircuit, toQasm } from '../../src/quantum/index.js';
import { Rng } from '../../src/util/rng.js';
import { referenceExpvalZ } from './reference.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'qmri-spec-'));
const rng = new Rng(21);
const rand = (shape: number[]): unknown =>
  shape.length === 0 ? rng.uniform(-2, 2) : Array.from({ length: shape[0] }, () => rand(shape.slice(1)));

function spec(extra: Record<string, unknown> = {}) {
  return {
    qubits: 3,
    layers: 2,
    template: 'strong',
    embedding: 'Y',
    weights: rand([2, 3, 3]),
    inputs: rand([2, 3]),
    ...extra,
  };
}

test('circuit eval: VJP = Σ cotangent · ∂expval/∂input (finite differences), grad_weights in the weights shape', () => {
  const cot = rand([2, 3]) as number[][];
  const s = spec({ cotangent: cot });
  const r = evalCircuitSpec(parseCircuitSpec(s));
  assert.equal((r.grad_weights as number[][][]).length, 2);
  assert.equal((r.grad_weights as number[][][])[0][0].length, 3);
  const h = 1e-6;
  const inputs = s.inputs as number[][];
  for (let b = 0; b < 2; b++)
    for (let j = 0; j < 3; j++) {
      const f = (d: number) => {
        const x = inputs.map((row) => row.slice());
        x[b][j] += d;
        const e = evalCircuitSpec(parseCircuitSpec({ ...s, inputs: x, cotangent: undefined })).expval;
        return e.reduce((acc, row, bb) => acc + row.reduce((a2, v, i) => a2 + v * cot[bb][i], 0), 0);
      };
      const fd = (f(h) - f(-h)) / (2 * h);
      assert.ok(Math.abs(fd - r.grad_inputs![b][j]) < 1e-7, `input ${b},${j}`);
    }
  const ps = evalCircuitSpec(parseCircuitSpec({ ...s, gradient: 'parameter-shift' }));
  ps.grad_inputs!.flat().forEach((v, i) => assert.ok(Math.abs(v - r.grad_inputs!.flat()[i]) < 1e-10));
});

test('qmri circuit eval/draw/qasm from the command line', () => {
  const p = join(dir, 'spec.json');
  const s = spec({ cotangent: rand([2, 3]) });
  writeFileSync(p, JSON.stringify(s));
  const run = (...args: string[]) => spawnSync(`${root}bin/qmri`, ['circuit', ...args], { encoding: 'utf8' });
  const e = run('eval', p, '--json');
  assert.equal(e.status, 0, e.stderr);
  assert.deepEqual(JSON.parse(e.stdout), JSON.parse(JSON.stringify(evalCircuitSpec(parseCircuitSpec(s)))));
  const d = run('draw', p, '--svg', join(dir, 'c.svg'));
  assert.equal(d.status, 0, d.stderr);
  assert.equal(d.stdout.trim().split('\n').length, 3);
  assert.match(readFileSync(join(dir, 'c.svg'), 'utf8'), /^<svg[\s\S]*<\/svg>\n$/);
  const q3 = run('qasm', p, '--version', '3', '--inputs', '[0.1, 0.2, 0.3]');
  assert.equal(q3.status, 0, q3.stderr);
  assert.match(q3.stdout, /^OPENQASM 3\.0;/);
  // --json: the same text and program, as fields
  const dj = JSON.parse(run('draw', p, '--json').stdout) as {
    qubits: number;
    gates: number;
    text: string;
    svg: null;
  };
  assert.equal(dj.qubits, 3);
  assert.equal(dj.text, d.stdout.trimEnd());
  assert.equal(dj.svg, null);
  assert.ok(dj.gates >= 3);
  const qj = JSON.parse(run('qasm', p, '--version', '3', '--inputs', '[0.1, 0.2, 0.3]', '--json').stdout);
  assert.deepEqual(qj, { version: 3, qasm: q3.stdout });
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"qubits": 3, "weights": [');
  const b = run('eval', bad);
  assert.notEqual(b.status, 0);
  assert.match(b.stderr, /bad\.json: circuit spec is not valid JSON/);
  const noisy = join(dir, 'noisy.json');
  writeFileSync(noisy, JSON.stringify(spec({ profile: 'heron', gradient: 'adjoint' })));
  assert.match(run('eval', noisy).stderr, /adjoint method needs an exact statevector/);
});

// Reads our own OpenQASM 2 output back into gates and simulates it with the dense reference.
function parseQasm(src: string, n: number): Circuit {
  const map: Record<string, GateName> = {
    rx: 'RX',
    ry: 'RY',
    rz: 'RZ',
    u1: 'PhaseShift',
    p: 'PhaseShift',
    cx: 'CNOT',
    cz: 'CZ',
    crx: 'CRX',
    cry: 'CRY',
    crz: 'CRZ',
    swap: 'SWAP',
    h: 'H',
    x: 'X',
    y: 'Y',
    z: 'Z',
    s: 'S',
    t: 'T',
  };
  const ops: Op[] = [];
  for (const line of src.split('\n')) {
    const m = /^(\w+)(?:\(([^)]*)\))? (q\[\d+\](?:, q\[\d+\])?);$/.exec(line.trim());
    if (!m || !(m[1] in map)) continue;
    const wires = [...m[3].matchAll(/q\[(\d+)\]/g)].map((x) => Number(x[1]));
    ops.push({ gate: map[m[1]], wires, params: m[2] ? [{ kind: 'const', value: Number(m[2]) }] : [] });
  }
  return { nQubits: n, nInputs: 0, nWeights: 0, ops };
}

test('OpenQASM 2 and 3 export, read back and simulated independently, gives the same ⟨Z⟩', () => {
  for (const version of [2, 3] as const) {
    for (const template of ['strong', 'basic'] as const) {
      const shape = template === 'strong' ? [2, 3, 3] : [2, 3];
      const s = parseCircuitSpec({ qubits: 3, layers: 2, template, weights: rand(shape), reupload: true });
      const x = Float64Array.from({ length: 3 }, () => rng.uniform(-1, 1));
      const qasm = toQasm(specCircuit(s), s.weights, { version, inputs: x });
      const back = referenceExpvalZ(parseQasm(qasm, 3), [], []);
      const direct = evalCircuitSpec({ ...s, inputs: x, batch: 1 }).expval[0];
      back.forEach((v, i) =>
        assert.ok(Math.abs(v - direct[i]) < 1e-5, `v${version} ${template} wire ${i}: ${v} vs ${direct[i]}`),
      );
    }
    // every gate the simulator knows, with bound weights
    const gates = Object.entries(GATE_PARAM_COUNT) as [GateName, number][];
    let k = 0;
    const ops: Op[] = gates.map(([gate, np], i) => ({
      gate,
      wires: isTwoQubitGate(gate) ? [i % 3, (i + 1) % 3] : [i % 3],
      params: Array.from({ length: np }, () => ({ kind: 'weight' as const, index: k++ })),
    }));
    const c: Circuit = {
      nQubits: 3,
      nInputs: 0,
      nWeights: k,
      ops: [{ gate: 'H', wires: [1], params: [] }, ...ops],
    };
    const w = Float64Array.from({ length: k }, () => rng.uniform(-3, 3));
    const back = referenceExpvalZ(parseQasm(toQasm(c, w, { version }), 3), [], []);
    const direct = referenceExpvalZ(c, [], Array.from(w));
    back.forEach((v, i) => assert.ok(Math.abs(v - direct[i]) < 1e-5, `v${version} all gates, wire ${i}`));
  }
});

test('bad specs name the field', () => {
  const base = spec();
  assert.throws(
    () => parseCircuitSpec({ ...base, qubits: 13 }),
    /qubits: must be an integer in \[1, 12\], got 13/,
  );
  assert.throws(
    () => parseCircuitSpec({ ...base, weights: rand([2, 3, 2]) }),
    /weights: expected shape \[2, 3, 3\]/,
  );
  assert.throws(
    () =>
      parseCircuitSpec({
        ...base,
        weights: [
          [
            [0, 0, 0],
            [0, 0, 0],
            [0, 0, 'NaN'],
          ],
          rand([3, 3]),
        ],
      }),
    /weights\[0\]\[2\]\[2\]: must be a number/,
  );
  assert.throws(() => parseCircuitSpec({ ...base, inputs: [[1, 2]] }), /inputs: expected shape \[1, 3\]/);
  assert.throws(
    () => parseCircuitSpec({ ...base, template: 'wide' }),
    /template: must be "strong" or "basic"/,
  );
  assert.throws(() => parseCircuitSpec({ ...base, qubitz: 3 }), /qubitz: unknown key/);
  assert.throws(() => parseCircuitSpec({ ...base, shots: 0 }), /shots: must be an integer/);
  assert.throws(
    () => parseCircuitSpec({ ...base, noise: { rules: [{ after: '1q', channel: 'depolarizing', p: 2 }] } }),
    /noise\.rules\[0\]\.p: must be in \[0, 1\]/,
  );
  assert.throws(() => parseCircuitSpec({ ...base, profile: 'nope' }), /nope: no such profile/);
  assert.throws(() => parseCircuitSpec([1, 2]), /must be a JSON object/);
});
