/**
 * `--nproc N` on one machine: runs the same command as N local ranks (child processes with RANK,
 * WORLD_SIZE, MASTER_ADDR=127.0.0.1 and a free MASTER_PORT, as torchrun does), waits for all of them,
 * and stops the others when one fails. Returns the exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

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
): Promise<number> {
  const port = await freePort();
  const args = [...process.execArgv, ...withoutNproc(argv.slice(1))];
  const children: ChildProcess[] = [];
  const codes = await Promise.all(
    Array.from(
      { length: nproc },
      (_, rank) =>
        new Promise<number>((res) => {
          const c = spawn(process.execPath, args, {
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
