/** What a fuzz target is: its seeds, the call under test, and the one error type it may throw. */
import type fc from 'fast-check';
import type { Seed } from '../mutate.js';

export interface FuzzTarget {
  name: string;
  seeds(): Promise<Seed[]>;
  /** structure-aware cases on top of the byte mutations (text formats) */
  extra?(seeds: Seed[]): fc.Arbitrary<Uint8Array>;
  /** parses / decodes one case; `file` is the name (or path) the case has */
  run(bytes: Uint8Array, file: string): Promise<void>;
  /** the case's file name (a path when the target reads from disk) */
  fileName(index: number): string;
  /** null when `err` is the module's documented error naming the file and the problem; else why not */
  wrongError(err: unknown, file: string): string | null;
}

/** The check shared by every target: the documented error class, message naming the file and a problem. */
export function namesFileAndProblem(err: unknown, file: string, ok: (e: Error) => boolean): string | null {
  if (!(err instanceof Error)) return `threw a non-Error: ${String(err)}`;
  if (!ok(err))
    return `threw ${err.name}/${err.constructor.name}, not the documented error type: ${err.message}`;
  if (!err.message.includes(file)) return `error does not name the file: ${err.message}`;
  if (err.message.replace(file, '').replace(/[:\s]/g, '').length < 5)
    return `error does not say the problem: ${err.message}`;
  return null;
}
