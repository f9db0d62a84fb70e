/**
 * Where the shared real data set lives: `../shared/data/brain-tumor-mri` beside the repository
 * (repository-relative, never an absolute machine path), or QMRI_REAL_DATA. Opt-in real-data
 * tests and benches read it from here; configs spell the same relative path (run from the root).
 */
import { fileURLToPath } from 'node:url';

/** The repository-relative spelling, as configs and the README write it. */
export const SHARED_REAL_DATA = '../shared/data/brain-tumor-mri';

/** The real data folder: QMRI_REAL_DATA, else SHARED_REAL_DATA resolved against the repository root. */
export function realDataDir(): string {
  return process.env.QMRI_REAL_DATA ?? fileURLToPath(new URL(`../../${SHARED_REAL_DATA}`, import.meta.url));
}
