/** src/data's decoders (content sniffing, sharp JPEG/PNG, DICOM, NIfTI .nii and .nii.gz): DataError only. */
import { DataError, decodeBuffer } from '../../../src/data/index.js';
import { dicomSeeds, imageSeeds, niftiSeeds } from '../seeds.js';
import type { Seed } from '../mutate.js';
import { namesFileAndProblem, type FuzzTarget } from './target.js';

function dataTarget(name: string, ext: string, seeds: () => Promise<Seed[]>): FuzzTarget {
  return {
    name,
    seeds,
    fileName: (i) => `case-${i}.${ext}`,
    async run(bytes, file) {
      await decodeBuffer(bytes, file);
    },
    wrongError: (err, file) =>
      namesFileAndProblem(
        err,
        file,
        (e) => e instanceof DataError && e.file === file && e.problem.length > 0,
      ),
  };
}

export const png = dataTarget('png', 'png', async () => (await imageSeeds()).png);
export const jpeg = dataTarget('jpeg', 'jpg', async () => (await imageSeeds()).jpeg);
export const dicom = dataTarget('dicom', 'dcm', dicomSeeds);
export const nifti = dataTarget('nifti', 'nii', async () => niftiSeeds(false));
export const niftiGz = dataTarget('nifti-gz', 'nii.gz', async () => niftiSeeds(true));
