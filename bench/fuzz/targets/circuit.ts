/** Circuit specs (src/quantum/spec.ts through the CLI's loadSpec), then the circuit they describe. */
import { rmSync, writeFileSync } from 'node:fs';
import { loadSpec } from '../../../src/cli/commands/circuit.js';
import { UsageError } from '../../../src/cli/errors.js';
import { specCircuit } from '../../../src/quantum/spec.js';
import { jsonEdits } from '../mutate.js';
import { scratch } from './files.js';
import { namesFileAndProblem, type FuzzTarget } from './target.js';

const SPECS: object[] = [
  { qubits: 2, template: 'basic', layers: 1, weights: [[0.1, 0.2]], inputs: [[0.3, 0.4]] },
  {
    qubits: 2,
    embedding: 'Y',
    template: 'strong',
    layers: 1,
    weights: [
      [
        [0.1, 0.2, 0.3],
        [0.4, 0.5, 0.6],
      ],
    ],
    inputs: [[0.1, 0.2]],
    cotangent: [[1, 0]],
    gradient: 'parameter-shift',
    noise: { rules: [{ after: '1q', channel: 'depolarizing', p: 0.01 }] },
    shots: 100,
    seed: 3,
  },
  {
    qubits: 3,
    template: 'basic',
    layers: 2,
    weights: [
      [0, 1, 2],
      [3, 4, 5],
    ],
    profile: 'heron',
    reupload: true,
  },
];

export const circuit: FuzzTarget = {
  name: 'circuit-spec',
  async seeds() {
    return SPECS.map((s, i) => ({ name: `spec-${i}.json`, bytes: Buffer.from(JSON.stringify(s, null, 1)) }));
  },
  extra: () => jsonEdits(SPECS),
  fileName: (i) => scratch(`case-${i}.json`),
  async run(bytes, file) {
    writeFileSync(file, bytes);
    try {
      specCircuit(loadSpec(file));
    } finally {
      rmSync(file, { force: true });
    }
  },
  wrongError: (err, file) =>
    namesFileAndProblem(
      err,
      file,
      (e) => e instanceof UsageError || e.constructor === Error || e.constructor === RangeError,
    ),
};
