/**
 * The viewer under load and attack at once, on loopback: legitimate clients (upload a 256 px PNG,
 * read the info, run the quantum head) measured alone and then while attackers send concurrent
 * uploads at the size limit, over-limit bodies (declared and streamed), malformed multipart,
 * polyglot files, path-traversal probes and slowloris connections. Reports p50 / p95 latency of
 * the legitimate requests in both phases, the attackers' statuses (no 5xx but the 503 of a
 * deadline), the slowloris sockets the server closed, peak RSS, and whether the server still answers.
 *
 *   node --import tsx bench/server/attack.ts [--clients 4] [--requests 120] [--limit-mib 32]
 *        [--at-limit 8] [--slowloris 64] [--timeout-s 10]
 */
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { request } from 'node:http';
import { serveRun } from '../../src/server/index.js';
import { makeDicom } from '../../test/server/formats.js';
import { buildTinyRun, phantomImage } from '../../test/server/tiny-run.js';

const { values: a } = parseArgs({
  options: {
    clients: { type: 'string', default: '4' },
    requests: { type: 'string', default: '120' },
    'limit-mib': { type: 'string', default: '32' },
    'at-limit': { type: 'string', default: '8' },
    slowloris: { type: 'string', default: '64' },
    'timeout-s': { type: 'string', default: '10' },
  },
});
const LIMIT = Number(a['limit-mib']) * 2 ** 20;
const run = await buildTinyRun();
const srv = await serveRun(run, {
  host: '127.0.0.1',
  port: 0,
  maxUploadBytes: LIMIT,
  requestTimeoutMs: Number(a['timeout-s']) * 1000,
  log: () => {},
});
const u = new URL(srv.url);
const png = await phantomImage('png', 256, 11);
let peakRss = process.memoryUsage.rss();
const rssBefore = peakRss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);

/** One raw request (paths as written, bodies streamed); resolves with the status (0: network error). */
function send(
  method: string,
  path: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

const pct = (v: number[], p: number) => {
  const s = [...v].sort((x, y) => x - y);
  return +s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))].toFixed(1);
};

async function legit(n: number): Promise<{ n: number; errors: number; p50: number; p95: number }> {
  const lat: number[] = [];
  let sent = 0;
  let errors = 0;
  const client = async () => {
    while (sent < n) {
      sent += 3;
      const t = performance.now();
      const r = await fetch(`${srv.url}api/cases`, {
        method: 'POST',
        body: png,
        headers: { 'x-file-name': 'a.png' },
      });
      const j = (await r.json()) as { id?: string };
      lat.push(performance.now() - t);
      if (!r.ok || !j.id) {
        errors++;
        continue;
      }
      for (const p of ['api/info', `api/cases/${j.id}/quantum?profile=heron&shots=500`]) {
        const t1 = performance.now();
        const s = await send('GET', '/' + p);
        lat.push(performance.now() - t1);
        if (s !== 200) errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: Number(a.clients) }, client));
  return { n: lat.length, errors, p50: pct(lat, 50), p95: pct(lat, 95) };
}

/** Slowloris: sockets that send a partial request and then one header byte a second. */
function slowloris(k: number): { stop: () => number } {
  const socks: Socket[] = [];
  let closedByServer = 0;
  for (let i = 0; i < k; i++) {
    const s = connect(Number(u.port), u.hostname, () =>
      s.write(`GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\nX-a: `),
    );
    s.on('error', () => {});
    s.on('close', () => closedByServer++);
    socks.push(s);
  }
  const drip = setInterval(() => socks.forEach((s) => s.writable && s.write('a')), 1000);
  return {
    stop: () => {
      clearInterval(drip);
      const n = closedByServer;
      socks.forEach((s) => s.destroy());
      return n;
    },
  };
}

async function attacks(): Promise<Record<string, Record<number, number>>> {
  const out: Record<string, Record<number, number>> = {};
  const tally = async (kind: string, ps: Promise<number>[]) => {
    for (const s of await Promise.all(ps)) (out[kind] ??= {})[s] = (out[kind][s] ?? 0) + 1;
  };
  const atLimit = Buffer.alloc(LIMIT, 0x41);
  const overLimit = Buffer.alloc(LIMIT + 4096); // one buffer for every over-limit request: RSS is the server's
  const html = Buffer.from('<html><script>alert(1)</script></html>');
  const mp = Buffer.concat([
    Buffer.from('--b\r\nContent-Disposition: form-data; name="f"; filename="x.png"\r\n\r\n'),
    png,
  ]);
  const polys = [
    Buffer.concat([png, Buffer.from('PK\x03\x04'), html]),
    Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(20), Buffer.from('PK\x03\x04')]),
    Buffer.concat([png.subarray(0, 128), makeDicom(new Uint16Array(16), 4, 4).subarray(128)]),
    Buffer.concat([html, Buffer.alloc(90, 0x20), Buffer.from('DICM'), html]),
  ];
  const probes = [
    '/../package.json',
    '/%2e%2e/package.json',
    '/api/cases/..%2f..%2fpackage.json/explain',
    '/api/circuit.svg?case=../../x',
    '/api/cases?slice=..%2F1',
  ];
  for (let round = 0; round < 3; round++) {
    await Promise.all([
      tally(
        'upload at the limit (415)',
        Array.from({ length: Number(a['at-limit']) }, () =>
          send('POST', '/api/cases', atLimit, { 'x-file-name': '../l.png' }),
        ),
      ),
      tally(
        'over the limit, declared (413)',
        Array.from({ length: 10 }, () => send('POST', '/api/cases', overLimit, { 'x-file-name': 'o.png' })),
      ),
      tally(
        'over the limit, chunked (413)',
        Array.from({ length: 2 }, () =>
          send('POST', '/api/cases', overLimit, { 'transfer-encoding': 'chunked' }),
        ),
      ),
      tally(
        'malformed multipart (415)',
        Array.from({ length: 20 }, (_, i) =>
          send('POST', '/api/cases', mp.subarray(0, 40 + i * 7), {
            'content-type': 'multipart/form-data; boundary=b',
          }),
        ),
      ),
      tally(
        'polyglot (200/400/415)',
        polys.flatMap((p) => [send('POST', '/api/cases', p, { 'x-file-name': 'p.png' })]),
      ),
      tally(
        'path traversal (400/404)',
        probes.map((p) =>
          send(
            p.startsWith('/api/cases?') ? 'POST' : 'GET',
            p,
            p.startsWith('/api/cases?') ? png : undefined,
          ),
        ),
      ),
    ]);
  }
  return out;
}

const t0 = performance.now();
const alone = await legit(Number(a.requests));
const rssAlone = peakRss;
const loris = slowloris(Number(a.slowloris));
const [underAttack, statuses] = await Promise.all([legit(Number(a.requests)), attacks()]);
// hold the slowloris sockets past the server's header deadline
await new Promise((r) => setTimeout(r, Math.min(20, Number(a['timeout-s'])) * 1000 + 2000));
const closed = loris.stop();
const stillUp = (await send('GET', '/api/info')) === 200;
clearInterval(sampler);
await srv.close();
rmSync(run, { recursive: true, force: true });
const fiveXX = Object.values(statuses).reduce(
  (s, m) =>
    s +
    Object.entries(m)
      .filter(([k]) => +k >= 500 && +k !== 503)
      .reduce((x, [, v]) => x + v, 0),
  0,
);
console.log(
  JSON.stringify(
    {
      load: {
        clients: Number(a.clients),
        requests: Number(a.requests),
        uploadLimitMiB: Number(a['limit-mib']),
        atLimitConcurrent: Number(a['at-limit']),
        slowloris: Number(a.slowloris),
        requestTimeoutS: Number(a['timeout-s']),
      },
      alone,
      underAttack,
      attackStatuses: statuses,
      slowlorisClosedByServer: `${closed}/${a.slowloris}`,
      rssMiB: {
        start: Math.round(rssBefore / 2 ** 20),
        peakAlone: Math.round(rssAlone / 2 ** 20),
        peak: Math.round(peakRss / 2 ** 20),
      },
      fiveXX,
      stillUp,
      seconds: +((performance.now() - t0) / 1000).toFixed(1),
    },
    null,
    1,
  ),
);
if (!stillUp || fiveXX > 0 || alone.errors + underAttack.errors > 0) process.exitCode = 1;
