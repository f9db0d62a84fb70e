/** Shared option parsers for the CLI: each names the flag and the problem. */
import { existsSync, statSync } from 'node:fs';
import { UsageError } from './errors.js';

export function parseIntOption(flag: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\s*-?\d+\s*$/.test(v) || !Number.isInteger(n) || n < min || n > max)
      throw new UsageError(`${flag}: expected an integer in [${min}, ${max}], got '${v}'`);
    return n;
  };
}

export const parseThreads = parseIntOption('--threads', 1, 256);
export const parseSeed = parseIntOption('--seed', 0, 2 ** 31 - 1);

/** A run folder that must exist (and be a folder). */
export function existingRun(dir: string): string {
  if (!existsSync(dir)) throw new UsageError(`--run ${dir}: run folder not found`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`--run ${dir}: not a folder`);
  return dir;
}
