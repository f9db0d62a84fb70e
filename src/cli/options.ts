/**
 * Shared option parsers for the CLI: each names the flag and the problem. A flag that sets a config
 * key takes its type and range from the key's definition in src/config (`configFlag`). Also the
 * options per-image commands share (`perImageOptions`: --threads, --json, --nproc).
 */
import { existsSync, statSync } from 'node:fs';
import type { TSchema } from '@sinclair/typebox';
import type { Command } from 'commander';
import { BackboneSchema, flagParser } from '../config/index.js';
import { UsageError } from './errors.js';

/** The parser of a flag that sets the config key defined by `schema` (a usage error when out of range). */
export function configFlag(schema: TSchema, flag: string): (v: string) => number {
  const parse = flagParser(schema, flag);
  return (v: string) => {
    try {
      return parse(v);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  };
}

export function parseIntOption(flag: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\s*-?\d+\s*$/.test(v) || !Number.isInteger(n) || n < min || n > max)
      throw new UsageError(`${flag}: expected an integer in [${min}, ${max}], got '${v}'`);
    return n;
  };
}

export const parseThreads = configFlag(BackboneSchema.properties.threads, '--threads');
export const parseSeed = configFlag(BackboneSchema.properties.seed, '--seed');

/** A run folder that must exist (and be a folder). */
export function existingRun(dir: string): string {
  if (!existsSync(dir)) throw new UsageError(`--run ${dir}: run folder not found`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`--run ${dir}: not a folder`);
  return dir;
}

/**
 * --threads (default 2), --json and --nproc N of a command that handles its inputs one by one
 * (`item` names one: item i goes to process i mod N; `merged` says how the results come back).
 */
export function perImageOptions(cmd: Command, item: string, merged: string): Command {
  return cmd
    .option('--threads <n>', 'libtorch threads', parseThreads, 2)
    .option('--json', 'print one JSON document on stdout')
    .option(
      '--nproc <n>',
      `spread the ${item}s over N local processes (${item} i to process i mod N); ${merged}`,
      parseIntOption('--nproc', 1, 256),
    );
}
