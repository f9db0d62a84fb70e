/**
 * DataError: a problem with one input file, always naming the file, with a stable `code` that
 * programs match on (the server maps codes to HTTP statuses; messages are for people). Every code
 * is listed once, here, with what it means.
 */
export const DATA_ERROR_CODES = {
  empty: 'the file or upload has no bytes',
  'not-image': 'the content is not any image or volume format qmri knows',
  unsupported: 'a known format or feature qmri does not decode (GIF, compressed variant, datatype, ...)',
  corrupt: 'corrupt or truncated data',
  'too-large': 'over a size limit: file bytes, pixels, or inflated bytes (decompression-bomb guard)',
  invalid: 'well-formed data that cannot be used (shape, values, sidecar fields, slice index)',
  unreadable: 'the file cannot be read (missing, not a regular file, permissions)',
  changed: 'the file changed since the manifest was written',
  dataset: 'the dataset folder as a whole is unusable (missing, no classes, too few readable images)',
} as const;

export type DataErrorCode = keyof typeof DATA_ERROR_CODES;

export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly code: DataErrorCode,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'DataError';
  }
}

export function problemOf(err: unknown): string {
  if (err instanceof DataError) return err.problem;
  return err instanceof Error ? err.message : String(err);
}

/** The code of a DataError; anything else thrown while decoding counts as corrupt data. */
export function codeOf(err: unknown): DataErrorCode {
  return err instanceof DataError ? err.code : 'corrupt';
}
