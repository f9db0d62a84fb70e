/** src/engine's safetensors reader: an Error whose message starts with the file name. */
import { encodeSafetensors, parseSafetensors } from '../../../src/engine/safetensors.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { namesFileAndProblem, type FuzzTarget } from './target.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/densenet/', import.meta.url));

export const safetensors: FuzzTarget = {
  name: 'safetensors',
  async seeds() {
    const small = Buffer.concat(
      encodeSafetensors(
        [
          ['w', { dtype: 'F32', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }],
          ['step', { dtype: 'I64', shape: [], data: BigInt64Array.of(7n) }],
        ],
        { format: 'pt' },
      ),
    );
    return [
      { name: 'small.safetensors', bytes: small },
      { name: 'bn_after_train.safetensors', bytes: readFileSync(FIXTURES + 'bn_after_train.safetensors') },
    ];
  },
  fileName: (i) => `case-${i}.safetensors`,
  async run(bytes, file) {
    parseSafetensors(bytes, file);
  },
  wrongError: (err, file) =>
    namesFileAndProblem(err, file, (e) => e.constructor === Error && e.message.startsWith(`${file}: `)),
};
