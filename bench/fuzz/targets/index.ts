/** The registry of fuzz targets: one line per decoder or parser. */
import { circuit } from './circuit.js';
import { configJson, configYaml } from './config.js';
import { dicom, jpeg, nifti, niftiGz, png } from './data.js';
import { safetensors } from './safetensors.js';
import type { FuzzTarget } from './target.js';
import { upload } from './upload.js';

export type { FuzzTarget } from './target.js';

export const TARGETS: readonly FuzzTarget[] = [
  png,
  jpeg,
  dicom,
  nifti,
  niftiGz,
  safetensors,
  configYaml,
  configJson,
  circuit,
  upload,
];
