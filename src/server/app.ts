/**
 * The HTTP server (node:http, no framework: a dozen routes do not need one). Hardening: bodies are
 * read under a byte limit (413, checked from Content-Length before reading), at most
 * maxConcurrentUploads at once (503 beyond: upload memory stays bounded), types come from
 * content (415), pixel and volume limits apply before decoding, static files come from a fixed list,
 * ids are UUIDs, the Host header must be the loopback name the server is bound to (DNS rebinding),
 * every request has a deadline (503 when model work cannot start or finish in time), and the access
 * log carries method, path, status and time only (no query, no file names, no DICOM content).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError } from './errors.js';
import { loadStaticFiles } from './static-files.js';
import type { Viewer } from './viewer.js';

export interface ServerOptions {
  host?: string;
  port?: number;
  /** largest upload body in bytes (default 32 MiB) */
  maxUploadBytes?: number;
  /** uploads read and decoded at once; more are answered 503 before their body is read (default 8) */
  maxConcurrentUploads?: number;
  /** deadline of one request in ms (default 30 s) */
  requestTimeoutMs?: number;
  log?: (line: string) => void;
}

export const DEFAULT_LIMITS = {
  maxUploadBytes: 32 * 1024 * 1024,
  maxConcurrentUploads: 8,
  maxPixels: 25_000_000,
  maxVolumeBytes: 512 * 1024 * 1024,
  requestTimeoutMs: 30_000,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': data.length });
  res.end(data);
}

function send(res: ServerResponse, status: number, type: string, body: Buffer | string): void {
  const data = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'content-type': type, 'content-length': data.length });
  res.end(data);
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > max)
    return Promise.reject(new HttpError(413, `upload: ${declared} bytes, above the limit of ${max} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > max) {
        reject(new HttpError(413, `upload: more than the limit of ${max} bytes`));
        req.pause();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', (e) => reject(new HttpError(400, `upload: ${e.message}`)));
  });
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d{1,9}$/.test(v))
    throw new HttpError(400, `${name}: '${v.slice(0, 20)}' is not a non-negative integer`);
  return Number(v);
}

function withDeadline<T>(p: Promise<T>, deadline: number): Promise<T> {
  const ms = deadline - Date.now();
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new HttpError(503, 'request timed out')), Math.max(0, ms));
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

/** The file name an upload declares (X-File-Name, URI-decoded when it can be), made safe. */
function uploadName(req: IncomingMessage): string {
  const raw = String(req.headers['x-file-name'] ?? 'upload');
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    /* keep the raw header */
  }
  return name.replace(/[^\w.\- ]/g, '_').slice(0, 120) || 'upload';
}

/** One request as the routes see it. */
interface Req {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  q: URLSearchParams;
  parts: string[];
  deadline: number;
  /** throws 405 unless the request's method is m */
  only(m: string): void;
}

function parseRequest(req: IncomingMessage, res: ServerResponse, deadline: number): Req {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  const only = (m: string) => {
    if (method !== m) throw new HttpError(405, `${path}: method ${method} not allowed (use ${m})`);
  };
  return { req, res, path, q: url.searchParams, parts: path.split('/').filter(Boolean), deadline, only };
}

const caseId = (s: string | undefined) => {
  if (!s || !UUID.test(s)) throw new HttpError(404, `case '${String(s).slice(0, 40)}': not found`);
  return s;
};

/** /api/cases/<id>/{slice,explain,quantum}; false when the path is none of them. */
async function caseRoute(viewer: Viewer, r: Req): Promise<boolean> {
  const { parts, q, res, deadline } = r;
  if (parts[1] !== 'cases' || parts.length !== 4) return false;
  const id = caseId(parts[2]);
  if (parts[3] === 'slice') {
    r.only('POST');
    const k = intParam(q, 'k');
    if (k === undefined) throw new HttpError(400, 'k: the slice index is required');
    sendJson(res, 200, await viewer.setSlice(id, k, deadline));
  } else if (parts[3] === 'explain') {
    r.only('GET');
    const layer = q.get('layer') ?? 'features';
    const methods = q.get('methods') ?? undefined;
    sendJson(res, 200, await viewer.explain(id, layer, intParam(q, 'target'), deadline, methods));
  } else if (parts[3] === 'quantum') {
    r.only('GET');
    sendJson(
      res,
      200,
      viewer.quantum(id, q.get('profile') ?? 'ideal', intParam(q, 'shots'), intParam(q, 'seed') ?? 1),
    );
  } else return false;
  return true;
}

/** /api/circuit.svg, /api/gallery and /api/gallery/<i>/{thumb.png,open}; false when none of them. */
async function circuitOrGalleryRoute(viewer: Viewer, r: Req): Promise<boolean> {
  const { path, parts, q, res } = r;
  if (path === '/api/circuit.svg') {
    r.only('GET');
    const id = q.get('case');
    send(res, 200, 'image/svg+xml', viewer.circuitSvg(id ? caseId(id) : undefined));
  } else if (path === '/api/gallery') {
    r.only('GET');
    const g = viewer.galleryData();
    sendJson(res, 200, { classes: viewer.open.arch.classes, items: g.items, notes: g.notes });
  } else if (parts[1] === 'gallery' && parts.length === 4 && /^\d{1,9}$/.test(parts[2])) {
    const i = Number(parts[2]);
    if (parts[3] === 'thumb.png') {
      r.only('GET');
      send(res, 200, 'image/png', await viewer.galleryThumb(i));
    } else if (parts[3] === 'open') {
      r.only('POST');
      sendJson(res, 200, await viewer.openGallery(i, r.deadline));
    } else return false;
  } else return false;
  return true;
}

/** The headers every answer carries (no sniffing, no referrer, no caching, a strict CSP). */
function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cache-control', 'no-store');
  res.setHeader(
    'content-security-policy',
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'",
  );
}

/** Answers a failed request with its HTTP status and `{ error }` (500 for an unexpected error). */
const failer = (req: IncomingMessage, res: ServerResponse) => (err: unknown) => {
  const e = err instanceof HttpError ? err : new HttpError(500, (err as Error)?.message ?? String(err));
  if (res.headersSent) return void res.destroy();
  // answered before its body was read (over the limit, busy): the connection cannot be reused
  const unread = !req.complete;
  if (unread) res.setHeader('connection', 'close');
  sendJson(res, e.status, { error: e.message });
  if (unread) res.on('finish', () => req.destroy());
};

/** The error for a request to a loopback-bound server under another Host name (DNS rebinding), or null. */
function hostError(server: Server, req: IncomingMessage): HttpError | null {
  const bound = (server.address() as AddressInfo | null)?.address ?? '';
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  if ((bound === '127.0.0.1' || bound === '::1') && !LOOPBACK_HOSTS.has(host))
    return new HttpError(421, `Host '${host.slice(0, 60)}' is not this loopback server`);
  return null;
}

export function createViewerServer(viewer: Viewer, opts: ServerOptions = {}): Server {
  const maxUpload = opts.maxUploadBytes ?? DEFAULT_LIMITS.maxUploadBytes;
  const timeout = opts.requestTimeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs;
  // upload bodies held at once are bounded: maxConcurrentUploads × maxUploadBytes
  const maxUploads = opts.maxConcurrentUploads ?? DEFAULT_LIMITS.maxConcurrentUploads;
  let uploading = 0;
  const log = opts.log ?? (() => {});
  const files = loadStaticFiles();

  async function upload(r: Req) {
    r.only('POST');
    if (uploading >= maxUploads)
      throw new HttpError(503, `server busy: ${uploading} uploads in progress; retry later`);
    uploading++;
    try {
      const body = await readBody(r.req, maxUpload);
      const name = uploadName(r.req);
      return sendJson(r.res, 200, await viewer.upload(body, name, intParam(r.q, 'slice'), r.deadline));
    } finally {
      uploading--;
    }
  }

  async function route(r: Req): Promise<void> {
    if (r.parts[0] !== 'api') {
      r.only('GET');
      const f = files.get(r.path);
      if (!f) throw new HttpError(404, `${r.path.slice(0, 200)}: not found`);
      return send(r.res, 200, f.type, f.body);
    }
    if (r.path === '/api/info') return (r.only('GET'), sendJson(r.res, 200, viewer.info()));
    if (r.path === '/api/cases') return upload(r);
    if ((await caseRoute(viewer, r)) || (await circuitOrGalleryRoute(viewer, r))) return;
    throw new HttpError(404, `${r.path.slice(0, 200)}: no such endpoint`);
  }

  // Node drops connections whose request (headers + body) is not complete by requestTimeout
  // (slow-loris); checked every connectionsCheckingInterval
  const server = createServer(
    {
      requestTimeout: timeout,
      headersTimeout: Math.min(timeout, 20_000),
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(timeout / 4))),
      keepAliveTimeout: 5_000,
    },
    (req, res) => {
      const t0 = performance.now();
      const deadline = Date.now() + timeout;
      setSecurityHeaders(res);
      res.on('finish', () => {
        const path = (req.url ?? '/').split('?')[0].slice(0, 200);
        log(`${req.method} ${path} ${res.statusCode} ${(performance.now() - t0).toFixed(1)} ms`);
      });
      const fail = failer(req, res);
      const wrongHost = hostError(server, req);
      if (wrongHost) return fail(wrongHost);
      // parsed inside the deadline's promise: a malformed URL is answered like any other error
      withDeadline(
        Promise.resolve().then(() => route(parseRequest(req, res, deadline))),
        deadline,
      ).catch(fail);
    },
  );
  return server;
}

/** Starts listening (127.0.0.1 unless told otherwise) and resolves with the URL. */
export function listen(server: Server, opts: { host?: string; port?: number } = {}): Promise<string> {
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      resolve(`http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/`);
    });
  });
}
