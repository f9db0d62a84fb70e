/**
 * Atomic writes: write to a temporary file in the same directory, fsync it, rename it over the
 * target, then fsync the directory. A reader (or a process killed with -9 mid-write) sees either
 * the old file or the new one, never a torn one.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** The temporary file's name beside `path`: `.NAME.PID.N.tmp` (the one place it is spelled). */
const tempName = (name: string) => `.${name}.${process.pid}.${counter++}.tmp`;
const TEMP_NAME = /^\..+\.\d+\.\d+\.tmp$/;

/**
 * Removes the temporary files a killed writer left below `dir` (a process killed with -9 between
 * open and rename leaves one). Call it only while holding the folder's lock, so no live writer's
 * file is taken. Returns how many were removed.
 */
export function sweepTempFiles(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += sweepTempFiles(p);
    else if (e.isFile() && TEMP_NAME.test(e.name)) {
      rmSync(p, { force: true });
      n++;
    }
  }
  return n;
}

export function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, tempName(basename(path)));
  const fd = openSync(tmp, 'w');
  try {
    const chunks =
      typeof data === 'string' ? [Buffer.from(data)] : data instanceof Uint8Array ? [data] : data;
    for (const chunk of chunks) {
      let off = 0;
      while (off < chunk.byteLength) off += writeSync(fd, chunk, off, chunk.byteLength - off);
    }
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw new Error(`writing ${path}: ${(err as Error).message}`);
  }
  closeSync(fd);
  renameSync(tmp, path);
  try {
    const dfd = openSync(dir, 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    // some file systems do not allow fsync on a directory; the rename is still atomic
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}
