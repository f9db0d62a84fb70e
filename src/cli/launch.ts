/**
 * `--nproc N` on one machine: runs the same command (or a given one) as N local ranks (child processes
 * with RANK, WORLD_SIZE, MASTER_ADDR=127.0.0.1 and a free MASTER_PORT, as torchrun does), waits for all
 * of them, and stops the others when one fails (launchLocalRanks). fanOut is the sharded batch work of
 * explain, predict and noise on top of it: N workers (rank 0 optionally this process) write their
 * parts into a temporary folder (QMRI_SHARD_DIR, src/util/shard.ts) and the parent merges them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHARD_DIR_ENV, type WorkerShard } from '../util/shard.js';

/** A command to start: an executable and its arguments. */
export interface LaunchCommand {
  file: string;
  args: string[];
}

/** `bin/qmri ARGS...`: the CLI as a fresh process (for workers of a command other than this one). */
export const qmriCommand = (...args: string[]): LaunchCommand => ({
  file: fileURLToPath(new URL('../../bin/qmri', import.meta.url)),
  args,
});

/** This process's own command line without `--nproc` (what a rank of `qmri X --nproc N` runs). */
const sameCommand = (argv: readonly string[]): LaunchCommand => ({
  file: process.execPath,
  args: [...process.execArgv, ...withoutNproc(argv.slice(1))],
});

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

/** argv without `--nproc N` / `--nproc=N`. */
export function withoutNproc(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--nproc') i++;
    else if (!argv[i].startsWith('--nproc=')) out.push(argv[i]);
  }
  return out;
}

export async function launchLocalRanks(
  nproc: number,
  argv: readonly string[] = process.argv,
  extraEnv: Record<string, string> = {},
  cmd: LaunchCommand = sameCommand(argv),
  firstRank = 0,
): Promise<number> {
  const port = await freePort();
  const children: ChildProcess[] = [];
  const codes = await Promise.all(
    Array.from(
      { length: nproc - firstRank },
      (_, i, rank = firstRank + i) =>
        new Promise<number>((res) => {
          const c = spawn(cmd.file, cmd.args, {
            stdio: ['ignore', rank === 0 ? 'inherit' : 'ignore', 'inherit'],
            env: {
              ...process.env,
              RANK: String(rank),
              WORLD_SIZE: String(nproc),
              MASTER_ADDR: '127.0.0.1',
              MASTER_PORT: String(port),
              ...extraEnv,
            },
          });
          children.push(c);
          c.on('error', () => res(1));
          c.on('exit', (code) => {
            if (code !== 0) for (const o of children) if (o !== c && o.exitCode === null) o.kill();
            res(code ?? 1);
          });
        }),
    ),
  );
  return codes.find((c) => c !== 0) ?? 0;
}

/** How fanOut starts its workers. */
export interface FanOutOptions {
  /** the workers' command (default: this command without --nproc); a function gets the folder, e.g. to write their config there */
  cmd?: LaunchCommand | ((dir: string) => LaunchCommand);
  /** makes rank 0's part in this process (while ranks 1..N-1 run), saving one process start */
  local?: (shard: WorkerShard) => unknown;
}

/**
 * Sharded batch work over `nproc` local workers: starts the workers' command as ranks 0..N-1 (or
 * 1..N-1, rank 0 made here by `local`) with QMRI_SHARD_DIR naming a fresh temporary folder, waits
 * for them, then returns merge(dir) (the parent reads the workers' parts there). When a worker fails
 * it sets process.exitCode and returns null. The folder is removed either way.
 */
export async function fanOut<T>(
  nproc: number,
  merge: (dir: string) => T | Promise<T>,
  o: FanOutOptions = {},
): Promise<T | null> {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-shard-'));
  try {
    const c = typeof o.cmd === 'function' ? o.cmd(dir) : o.cmd;
    const ranks = launchLocalRanks(nproc, process.argv, { [SHARD_DIR_ENV]: dir }, c, o.local ? 1 : 0);
    try {
      await o.local?.({ role: 'worker', rank: 0, worldSize: nproc, dir });
    } finally {
      process.exitCode = await ranks; // the workers finish (or fail) before this process goes on
    }
    if (process.exitCode !== 0) return null;
    return await merge(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
