/** The server's upload guard (src/server/decode.ts): every bad upload an HttpError 400 / 413 / 415 naming it. */
import { decodeUpload } from '../../../src/server/decode.js';
import { DEFAULT_LIMITS } from '../../../src/server/app.js';
import { HttpError } from '../../../src/server/errors.js';
import { dicomSeeds, imageSeeds, niftiSeeds } from '../seeds.js';
import { namesFileAndProblem, type FuzzTarget } from './target.js';

export const upload: FuzzTarget = {
  name: 'upload',
  async seeds() {
    const { png, jpeg } = await imageSeeds();
    return [...png, ...jpeg, ...(await dicomSeeds()), ...niftiSeeds(false), ...niftiSeeds(true)];
  },
  fileName: (i) => `upload-${i}`,
  async run(bytes, file) {
    await decodeUpload(bytes, file, DEFAULT_LIMITS);
  },
  wrongError: (err, file) =>
    namesFileAndProblem(err, file, (e) => e instanceof HttpError && [400, 413, 415].includes(e.status)),
};
