/**
 * `qmri serve --run RUN [--port P] [--host H]`: the local web viewer (src/server) for one trained
 * run. Binds 127.0.0.1 unless --host says otherwise; stops on Ctrl-C.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { setNumThreads } from '../../engine/index.js';
import { DEFAULT_LIMITS, serveRun } from '../../server/index.js';
import { UsageError } from '../errors.js';

const int = (name: string, lo: number, hi: number) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < lo || n > hi)
    throw new UsageError(`${name} must be an integer in ${lo}..${hi}, got '${v}'`);
  return n;
};

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'local web viewer: upload a slice, see both heads, Grad-CAM, the noisy quantum head, a test gallery',
    )
    .requiredOption('--run <dir>', 'run folder with a trained backbone and heads')
    .option('--port <n>', 'port (0 = any free port)', int('--port', 0, 65535), 8080)
    .option(
      '--host <addr>',
      'address to bind (loopback by default; anything else exposes the viewer)',
      '127.0.0.1',
    )
    .option(
      '--max-upload-mb <n>',
      'largest upload in MiB',
      int('--max-upload-mb', 1, 4096),
      DEFAULT_LIMITS.maxUploadBytes / 2 ** 20,
    )
    .option(
      '--max-pixels <n>',
      'largest slice in pixels (decompression-bomb guard)',
      int('--max-pixels', 1024, 1e9),
      DEFAULT_LIMITS.maxPixels,
    )
    .option(
      '--timeout <s>',
      'per-request deadline in seconds',
      int('--timeout', 1, 3600),
      DEFAULT_LIMITS.requestTimeoutMs / 1000,
    )
    .option('--threads <n>', 'libtorch threads', int('--threads', 1, 256), 2)
    .option('--quiet', 'no access log on stderr')
    .option('--json', 'print {"url", "host", "port", "run"} as one JSON line on stdout once listening')
    .action(
      async (o: {
        run: string;
        port: number;
        host: string;
        maxUploadMb: number;
        maxPixels: number;
        timeout: number;
        threads: number;
        quiet?: boolean;
        json?: boolean;
      }) => {
        if (!existsSync(o.run)) throw new UsageError(`--run: ${o.run}: no such run folder`);
        setNumThreads(o.threads);
        const s = await serveRun(o.run, {
          host: o.host,
          port: o.port,
          maxUploadBytes: o.maxUploadMb * 2 ** 20,
          maxPixels: o.maxPixels,
          requestTimeoutMs: o.timeout * 1000,
          log: o.quiet ? undefined : (l) => process.stderr.write(`${l}\n`),
        });
        if (!['127.0.0.1', 'localhost', '::1'].includes(o.host))
          process.stderr.write(
            `qmri serve: warning: bound to ${o.host}: anyone who can reach this address can upload and read results (no authentication)\n`,
          );
        process.stderr.write(`qmri serve: ${s.url} (run ${o.run}; Ctrl-C to stop)\n`);
        if (o.json) {
          const port = Number(new URL(s.url).port);
          process.stdout.write(JSON.stringify({ url: s.url, host: o.host, port, run: o.run }) + '\n');
        }
        await new Promise<void>((resolve) => {
          const stop = () => void s.close().then(resolve);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      },
    );
}
