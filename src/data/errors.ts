/** DataError: a problem with one input file, always naming the file. */
export class DataError extends Error {
  constructor(
    readonly file: string,
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
