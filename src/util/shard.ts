/**
 * Sharded batch work (`--nproc N` on explain, predict and noise): which items a worker owns, and the
 * part files through which workers hand their results to the merging parent. Worker `rank` of
 * `worldSize` owns items rank, rank+N, rank+2N, … of a list every process builds the same way; it
 * writes what it made to DIR/<rank>.v8 (v8-serialised, so typed arrays survive); the parent reads every
 * part and interleaves them back into list order, so the merged result does not depend on N.
 * The processes themselves are started by src/cli/launch.ts (fanOut), which sets QMRI_SHARD_DIR.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { writeFileAtomic } from './atomic.js';

/** A worker's place in a fan-out, or the merging parent's view of it. */
export type Shard =
  | { role: 'worker'; rank: number; worldSize: number; dir: string }
  | { role: 'merge'; worldSize: number; dir: string };
export type WorkerShard = Extract<Shard, { role: 'worker' }>;

/** The environment variable naming the folder of the part files (set by the launcher). */
export const SHARD_DIR_ENV = 'QMRI_SHARD_DIR';

/** This process's worker shard when a fan-out started it (QMRI_SHARD_DIR, RANK, WORLD_SIZE), else null. */
export function workerShardFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerShard | null {
  const dir = env[SHARD_DIR_ENV];
  if (!dir || env.RANK === undefined) return null;
  const [rank, worldSize] = [Number(env.RANK), Number(env.WORLD_SIZE)];
  if (
    !Number.isInteger(worldSize) ||
    worldSize < 1 ||
    !Number.isInteger(rank) ||
    rank < 0 ||
    rank >= worldSize
  )
    throw new Error(
      `${SHARD_DIR_ENV} is set but RANK=${env.RANK} / WORLD_SIZE=${env.WORLD_SIZE} are not a valid rank`,
    );
  return { role: 'worker', rank, worldSize, dir };
}

/** Whether item i is this process's to make (always, unless it is a worker that does not own it). */
export const ownsItem = (shard: Shard | null | undefined, i: number): boolean =>
  shard?.role !== 'worker' || i % shard.worldSize === shard.rank;

const partFile = (dir: string, rank: number) => join(dir, `${rank}.v8`);

/** Writes a worker's items (in the order it made them), atomically. */
export function writeShardPart<T>(shard: WorkerShard, items: T[]): void {
  writeFileAtomic(partFile(shard.dir, shard.rank), serialize(items));
}

/** Every worker's items interleaved back into list order (worker r made items r, r+N, …); n items. */
export function readShardParts<T>(dir: string, worldSize: number, n: number): T[] {
  const parts = Array.from(
    { length: worldSize },
    (_, r) => deserialize(readFileSync(partFile(dir, r))) as T[],
  );
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const k = Math.floor(i / worldSize);
    if (k >= parts[i % worldSize].length)
      throw new Error(`${partFile(dir, i % worldSize)}: item ${i} missing`);
    out.push(parts[i % worldSize][k]);
  }
  return out;
}
