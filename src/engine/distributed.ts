/**
 * Data-parallel training through PyTorch's own c10d, from the addon (native/src/distributed.cc):
 * a TCPStore rendezvous at MASTER_ADDR:MASTER_PORT and a Gloo process group on CPU (NCCL would take
 * the same path on a CUDA libtorch).
 *
 *   const pg = ProcessGroup.init(distOptionsFromEnv())   // RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT
 *   loss.backward(); pg.allreduceGrads(params); opt.step();   // gradients averaged, in buckets
 *   pg.broadcast(params, 0)                                // every rank starts from rank 0's weights
 *   shardOf(batch, pg.rank, pg.worldSize)                  // this rank's rows of a global batch
 *
 * Every call blocks until its collective completes; ranks must make the same calls in the same order.
 */
import { native } from './native.js';
import type { Tensor } from './tensor.js';

export interface DistOptions {
  rank: number;
  worldSize: number;
  masterAddr: string;
  masterPort: number;
  /** rendezvous and collective timeout (default 5 minutes) */
  timeoutMs?: number;
}

interface NativeProcessGroup {
  allreduceGrads(params: unknown[], bucketBytes: number): void;
  allreduce(tensors: unknown[], bucketBytes: number): void;
  broadcast(tensors: unknown[], root: number): void;
  barrier(): void;
  destroy(): void;
}

/** DistributedDataParallel's default bucket size. */
export const DEFAULT_BUCKET_BYTES = 25 * 2 ** 20;

function envInt(env: NodeJS.ProcessEnv, key: string): number | undefined {
  const v = env[key];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`${key}: expected a non-negative integer, got '${v}'`);
  return n;
}

/** The usual torch.distributed variables; null when WORLD_SIZE is unset (a single process). */
export function distOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DistOptions | null {
  const worldSize = envInt(env, 'WORLD_SIZE');
  if (worldSize === undefined) return null;
  return checkDistOptions({
    rank: envInt(env, 'RANK') ?? 0,
    worldSize,
    masterAddr: env.MASTER_ADDR ?? '127.0.0.1',
    masterPort: envInt(env, 'MASTER_PORT') ?? 29500,
  });
}

export function checkDistOptions(o: DistOptions): DistOptions {
  if (!Number.isInteger(o.worldSize) || o.worldSize < 1)
    throw new RangeError(`world size must be a positive integer, got ${o.worldSize}`);
  if (!Number.isInteger(o.rank) || o.rank < 0 || o.rank >= o.worldSize)
    throw new RangeError(`rank must be in 0..${o.worldSize - 1}, got ${o.rank}`);
  if (!Number.isInteger(o.masterPort) || o.masterPort < 1 || o.masterPort > 65535)
    throw new RangeError(`master port must be in 1..65535, got ${o.masterPort}`);
  if (!o.masterAddr) throw new RangeError('master address is empty');
  return o;
}

export class ProcessGroup {
  private constructor(
    private readonly pg: NativeProcessGroup,
    readonly rank: number,
    readonly worldSize: number,
  ) {}

  static init(o: DistOptions): ProcessGroup {
    const c = checkDistOptions(o);
    const pg = new native.NativeProcessGroup({
      ...c,
      timeoutMs: c.timeoutMs ?? 300_000,
    }) as NativeProcessGroup;
    return new ProcessGroup(pg, c.rank, c.worldSize);
  }

  /** Every parameter's .grad averaged over the ranks, in place (a missing grad counts as zeros). */
  allreduceGrads(params: readonly Tensor[], bucketBytes = DEFAULT_BUCKET_BYTES): void {
    this.pg.allreduceGrads(
      params.map((p) => p.handle),
      bucketBytes,
    );
  }

  /** The tensors summed over the ranks, in place. */
  allreduce(tensors: readonly Tensor[], bucketBytes = DEFAULT_BUCKET_BYTES): void {
    this.pg.allreduce(
      tensors.map((t) => t.handle),
      bucketBytes,
    );
  }

  /** Rank `root`'s values copied into every rank's tensors, in place. */
  broadcast(tensors: readonly Tensor[], root = 0): void {
    this.pg.broadcast(
      tensors.map((t) => t.handle),
      root,
    );
  }

  barrier(): void {
    this.pg.barrier();
  }

  destroy(): void {
    this.pg.destroy();
  }
}

/**
 * This rank's share of a global batch of m rows: a contiguous range, sizes differing by at most one
 * (rank r gets rows [start, end)).
 */
export function shardOf(m: number, rank: number, worldSize: number): { start: number; end: number } {
  const base = Math.floor(m / worldSize);
  const extra = m % worldSize;
  const start = rank * base + Math.min(rank, extra);
  return { start, end: start + base + (rank < extra ? 1 : 0) };
}
