/**
 * Runs one fuzz target in a child process (bench/fuzz/worker.ts) and watches it: a case that runs
 * past the per-case time limit is a hang (the child is killed and restarted after it), a child
 * whose RSS passes the memory bound is a memory failure, an error other than the target's
 * documented one is a crash. Failing inputs are written to `saveDir` when given.
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/esm/index.mjs', import.meta.url));
const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface Failure {
  kind: 'crash' | 'hang' | 'memory' | 'exit';
  case: number;
  why: string;
}

export interface TargetReport {
  target: string;
  seed: number;
  cases: number;
  crashes: number;
  hangs: number;
  memory: number;
  failures: Failure[];
  /** how the cases ended: decoded, or the error code / HTTP status */
  outcomes: Record<string, number>;
  peakRssMiB: number;
  seconds: number;
}

export interface FuzzOptions {
  cases: number;
  seed: number;
  timeLimitMs: number;
  maxRssBytes: number;
  saveDir?: string;
  onProgress?: (done: number) => void;
}

interface Msg {
  t: 'case' | 'fail' | 'done' | 'end';
  i: number;
  rss: number;
  why: string;
  bytes: string;
  outcome: string;
}

/** Runs cases [from, to) in one child; resolves with the next case to run (to when finished). */
function runChild(target: string, from: number, o: FuzzOptions, rep: TargetReport): Promise<number> {
  return new Promise((resolve) => {
    const child = fork(WORKER, [target, String(o.seed), String(from), String(o.cases)], {
      execArgv: ['--import', `file://${TSX}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    let current = from - 1;
    let last = Date.now();
    let ended = false;
    const stop = (failure: Failure | null, next: number) => {
      if (ended) return;
      ended = true;
      clearInterval(watch);
      child.kill('SIGKILL');
      if (failure) rep.failures.push(failure);
      resolve(next);
    };
    const watch = setInterval(() => {
      if (current >= from && Date.now() - last > o.timeLimitMs) {
        rep.hangs++;
        rep.outcomes.hang = (rep.outcomes.hang ?? 0) + 1;
        stop({ kind: 'hang', case: current, why: `no result after ${o.timeLimitMs} ms` }, current + 1);
      }
    }, 100);
    child.on('message', (m: Msg) => {
      if (m.t === 'case') {
        current = m.i;
        last = Date.now();
        rep.peakRssMiB = Math.max(rep.peakRssMiB, m.rss / 2 ** 20);
        if (m.rss > o.maxRssBytes) {
          rep.memory++;
          stop({ kind: 'memory', case: m.i - 1, why: `RSS ${Math.round(m.rss / 2 ** 20)} MiB` }, m.i);
        }
        if ((m.i - from) % 200 === 0) o.onProgress?.(m.i);
      } else if (m.t === 'fail') {
        rep.crashes++;
        rep.failures.push({ kind: 'crash', case: m.i, why: m.why });
        if (o.saveDir) {
          mkdirSync(o.saveDir, { recursive: true });
          writeFileSync(join(o.saveDir, `${target}-${o.seed}-${m.i}.bin`), Buffer.from(m.bytes, 'base64'));
        }
      } else if (m.t === 'done') {
        rep.outcomes[m.outcome] = (rep.outcomes[m.outcome] ?? 0) + 1;
      } else if (m.t === 'end') {
        rep.peakRssMiB = Math.max(rep.peakRssMiB, m.rss / 2 ** 20);
        stop(null, o.cases);
      }
    });
    child.on('exit', (code, signal) => {
      if (ended) return;
      const why = `child exited (${signal ?? code}) during the case: ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
      rep.crashes++;
      rep.outcomes.exit = (rep.outcomes.exit ?? 0) + 1;
      stop({ kind: 'exit', case: current, why }, current + 1);
    });
  });
}

/** Runs `cases` cases of one target (restarting the child after a hang, memory failure or exit). */
export async function fuzzTarget(target: string, o: FuzzOptions): Promise<TargetReport> {
  const t0 = performance.now();
  const rep: TargetReport = {
    target,
    seed: o.seed,
    cases: o.cases,
    crashes: 0,
    hangs: 0,
    memory: 0,
    failures: [],
    outcomes: {},
    peakRssMiB: 0,
    seconds: 0,
  };
  let next = 0;
  while (next < o.cases) next = await runChild(target, next, o, rep);
  rep.seconds = (performance.now() - t0) / 1000;
  return rep;
}
