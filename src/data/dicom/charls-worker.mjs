// Worker thread of the JPEG-LS codec (jpeg-ls.ts): decodes one frame per message with CharLS (wasm).
// It lives in a thread so that a frame on which CharLS never returns (a corrupted byte can make it
// loop) is stopped by terminating the thread; plain JavaScript so it needs no TypeScript loader.
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const quiet = { print: () => undefined, printErr: () => undefined };
let charls = null;

parentPort.on('message', async ({ id, frame }) => {
  try {
    const m = await (charls ??= require('@cornerstonejs/codec-charls/decodewasmjs')(quiet));
    const d = new m.JpegLSDecoder();
    try {
      d.getEncodedBuffer(frame.length).set(frame);
      d.decode();
      const out = d.getDecodedBuffer().slice();
      parentPort.postMessage({ id, out }, [out.buffer]);
    } finally {
      d.delete();
    }
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});
