/** Shared set-up of the server tests: the tiny run served on loopback, and a raw HTTP client. */
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { serveRun, type ServeOptions } from '../../src/server/index.js';
import { buildTinyRun } from './tiny-run.js';

/** Serves the tiny run (built in a temp folder unless given; close() removes a folder it built). */
export async function startTiny(o: ServeOptions = {}, run?: string) {
  const dir = run ?? (await buildTinyRun());
  const logs: string[] = [];
  const s = await serveRun(dir, { log: (l) => logs.push(l), ...o });
  const close = async () => {
    await s.close();
    if (!run) rmSync(dir, { recursive: true, force: true });
  };
  return { run: dir, logs, ...s, close };
}

/** JSON bodies of the API, read loosely in tests (the assertions check their shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export async function getJson(url: string, init?: RequestInit): Promise<Loose> {
  return (await fetch(url, init)).json();
}

/** An HTTP request that sends the path exactly as written (fetch would normalise `..`). */
export function raw(
  url: string,
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, method: o.method ?? 'GET', headers: o.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

export async function postFile(url: string, body: Uint8Array, name = 'upload', query = '') {
  const r = await fetch(`${url}api/cases${query}`, {
    method: 'POST',
    body,
    headers: { 'x-file-name': name },
  });
  return { status: r.status, json: (await r.json()) as Loose };
}
