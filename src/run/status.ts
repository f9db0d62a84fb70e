/**
 * Stage status of a run (RUN/stages.json: per stage the config hash it ran with and whether it
 * finished) and the run lock (RUN/.qmri.lock). A stage recorded finished with the same hash and
 * whose outputs exist is skipped on a rerun (resume).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { sweepTempFiles, writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';
import { runPaths } from './paths.js';

export interface StageRecord {
  hash: string;
  finished: boolean;
}

export type StageRecords = Record<string, StageRecord>;

export function readStageRecords(run: string): StageRecords {
  const path = runPaths(run).stages;
  if (!existsSync(path)) return {};
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as StageRecords;
    return v && typeof v === 'object' ? v : {};
  } catch {
    throw new Error(`${path}: not valid JSON (delete it to redo every stage)`);
  }
}

export function writeStageRecords(run: string, records: StageRecords): void {
  writeJsonAtomic(runPaths(run).stages, records);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** RUN/.qmri.lock holds the pid of the qmri process working in RUN; a lock left by a dead process is taken over. */
export function lockRun(run: string): () => void {
  const path = runPaths(run).lock;
  if (existsSync(path)) {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid))
      throw new Error(`${run}: in use by qmri process ${pid} (${path}); wait for it or stop it`);
  }
  writeFileAtomic(path, `${process.pid}\n`);
  // a writer killed mid-write (kill -9) leaves its temporary file; nobody else writes here now
  sweepTempFiles(run);
  return () => rmSync(path, { force: true });
}
