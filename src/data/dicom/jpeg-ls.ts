/**
 * JPEG-LS lossless and near-lossless through Cornerstone's CharLS wasm build, run in a worker thread
 * (charls-worker.mjs) with a deadline: CharLS 1.2.7 loops forever on some corrupted frames (found by
 * bench/fuzz; bench/fuzz/known/), and a synchronous wasm loop can only be stopped by terminating its
 * thread. The frame's declared size is checked against Rows × Columns before it gets here.
 */
import { Worker } from 'node:worker_threads';
import { DataError } from '../errors.js';
import { typed, type Codec } from './codec.js';

/** Wall-clock limit of one frame's decode (a 512×512 16-bit frame takes milliseconds). */
export const JPEG_LS_DEADLINE_MS = 5_000;

let worker: Worker | null = null;
let nextId = 0;

function charlsWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./charls-worker.mjs', import.meta.url));
    worker.unref(); // an idle codec thread never keeps the process alive
    worker.on('error', () => (worker = null));
  }
  return worker;
}

/** Decodes one frame in the worker; terminates it (a fresh one serves the next frame) on timeout. */
function decodeInWorker(frame: Uint8Array, file: string, deadlineMs: number): Promise<Uint8Array> {
  const w = charlsWorker();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      w.off('message', onMessage);
      if (worker === w) worker = null;
      void w.terminate();
      reject(
        new DataError(
          file,
          'corrupt',
          `JPEG-LS frame: the decoder did not finish within ${deadlineMs / 1000} s`,
        ),
      );
    }, deadlineMs);
    const onMessage = (m: { id: number; out?: Uint8Array; error?: string }) => {
      if (m.id !== id) return;
      clearTimeout(timer);
      w.off('message', onMessage);
      if (m.error !== undefined) reject(new Error(m.error));
      else resolve(m.out!);
    };
    w.on('message', onMessage);
    w.postMessage({ id, frame: frame.slice() });
  });
}

export const jpegLs: Codec = {
  name: 'JPEG-LS (CharLS)',
  declaresSize: true,
  async decode(frame, info, file) {
    const out = await decodeInWorker(frame, file, JPEG_LS_DEADLINE_MS);
    return typed(out, info.bitsAllocated, false);
  },
};
