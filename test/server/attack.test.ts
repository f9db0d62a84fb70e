/**
 * The viewer under attack, the classes test/server/hardening.test.ts does not cover yet: concurrent
 * uploads at the size limit, malformed multipart bodies (the API takes the file as the raw body),
 * polyglot files, and path traversal in every field an upload or a case request carries. The
 * server answers each with a client error naming the field or file (never 500) and stays up.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeDicom } from './formats.js';
import { type Loose, postFile, raw, startTiny } from './helpers.js';
import { buildTinyRun, phantomImage } from './tiny-run.js';

const LIMIT = 256 * 1024;

describe('server under attack', () => {
  let run: string;
  let srv: Awaited<ReturnType<typeof startTiny>>;
  let png: Buffer;

  before(async () => {
    run = await buildTinyRun();
    srv = await startTiny(
      { maxUploadBytes: LIMIT, maxPixels: 1_000_000, maxVolumeBytes: 4_000_000, maxConcurrentUploads: 32 },
      run,
    );
    png = await phantomImage('png', 64, 5);
  });
  after(async () => {
    await srv.close();
    rmSync(run, { recursive: true, force: true });
  });

  test('concurrent uploads at the size limit: each answered, one byte over is 413, the server stays up', async () => {
    const atLimit = Buffer.concat([png, Buffer.alloc(LIMIT - png.length)]); // a PNG with trailing bytes
    const garbage = Buffer.alloc(LIMIT, 0x41);
    const over = Buffer.alloc(LIMIT + 1, 0x41);
    const bodies = [...Array(6).fill(atLimit), ...Array(6).fill(garbage), ...Array(4).fill(over)];
    const res = await Promise.all(bodies.map((b, i) => postFile(srv.url, b, `c${i}.png`)));
    res.forEach((r, i) => {
      const want = bodies[i] === over ? [413] : bodies[i] === garbage ? [415] : [200, 400];
      assert.ok(want.includes(r.status), `upload ${i}: ${r.status} ${JSON.stringify(r.json)}`);
      if (r.status !== 200) assert.match(r.json.error, /c\d+\.png: |limit of 262144 bytes/);
    });
    assert.equal((await fetch(`${srv.url}api/info`)).status, 200);
  });

  test('malformed multipart bodies are not images: 415 naming the file, never 500', async () => {
    const b = 'xYz';
    const bodies = [
      Buffer.concat([
        Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="f"; filename="a.png"\r\n\r\n`),
        png,
        Buffer.from(`\r\n--${b}--\r\n`),
      ]),
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="f"\r\n\r\n`), // truncated, no closing boundary
      Buffer.from(`--\r\n\r\n--${b}--`),
      Buffer.from('Content-Disposition: form-data; filename="../../etc/passwd"\r\n\r\n\x89PNG'),
    ];
    for (const [i, body] of bodies.entries()) {
      const r = await fetch(`${srv.url}api/cases`, {
        method: 'POST',
        body,
        headers: {
          'content-type': `multipart/form-data; boundary=${i === 2 ? '' : b}`,
          'x-file-name': `m${i}.png`,
        },
      });
      const j = (await r.json()) as Loose;
      assert.equal(r.status, 415, `body ${i}: ${JSON.stringify(j)}`);
      assert.match(j.error, new RegExp(`^m${i}\\.png: not an image`));
    }
  });

  test('polyglot files: read by their leading signature only, never 500, nothing echoed', async () => {
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const dicomInPng = Buffer.concat([
      png.subarray(0, 128),
      makeDicom(new Uint16Array(16), 4, 4).subarray(128),
    ]);
    const htmlWithDicm = Buffer.concat([
      html,
      Buffer.alloc(128 - html.length, 0x20),
      Buffer.from('DICM'),
      html,
    ]);
    const cases: [string, Buffer, number[]][] = [
      ['png-zip.png', Buffer.concat([png, Buffer.from('PK\x03\x04'), html]), [200]], // PNG + trailing ZIP / HTML
      [
        'gifar.png',
        Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(20), Buffer.from('PK\x03\x04')]),
        [415],
      ],
      ['dicom-in-png.dcm', dicomInPng, [400]], // PNG signature wins; the rest is not a PNG
      ['html-dicm.dcm', htmlWithDicm, [400]], // 'DICM' at 128 makes it DICOM; not a readable one
      ['pdf-png.png', Buffer.concat([Buffer.from('%PDF-1.4\n'), png]), [415]],
    ];
    for (const [name, body, want] of cases) {
      const r = await postFile(srv.url, body, name);
      assert.ok(want.includes(r.status), `${name}: ${r.status} ${JSON.stringify(r.json)}`);
      if (r.status === 200) assert.equal(r.json.kind, 'png');
      else assert.ok(r.json.error.startsWith(`${name}: `), r.json.error);
      assert.ok(!JSON.stringify(r.json).includes('<script>'), `${name} echoed its content`);
    }
  });

  test('path traversal in every field: file name header, slice, layer, methods, target, profile, shots, seed', async () => {
    for (const name of [
      '../../etc/passwd',
      '..%2F..%2Fetc%2Fpasswd',
      '/abs/x.png',
      'a\\..\\b',
      '%00x',
      'x'.repeat(5000),
    ]) {
      const r = await postFile(srv.url, Buffer.from('not an image'), name);
      assert.equal(r.status, 415, name);
      const named = r.json.error.split(': ')[0];
      assert.ok(!/[/\\\0]/.test(named) && named.length <= 120, `file name not sanitised: ${named}`);
    }
    const up = await postFile(srv.url, png, 'ok.png');
    assert.equal(up.status, 200);
    const id = up.json.id;
    const probes: [string, string][] = [
      ['POST', '/api/cases?slice=..%2F1'],
      ['POST', `/api/cases/${id}/slice?k=../../1`],
      ['GET', `/api/cases/${id}/explain?layer=..%2F..%2Fpackage.json`],
      ['GET', `/api/cases/${id}/explain?methods=..%2F..%2Fetc%2Fpasswd`],
      ['GET', `/api/cases/${id}/explain?target=..%2F1`],
      ['GET', `/api/cases/${id}/quantum?profile=..%2F..%2F..%2Fpackage.json`],
      ['GET', `/api/cases/${id}/quantum?profile=%2Fetc%2Fpasswd`],
      ['GET', `/api/cases/${id}/quantum?shots=..%2F1`],
      ['GET', `/api/cases/${id}/quantum?seed=%2Fetc`],
      ['GET', `/api/circuit.svg?case=${id}%2F..%2F..`],
    ];
    for (const [method, path] of probes) {
      const r = await raw(srv.url, path, {
        method,
        headers: { 'x-file-name': '../x.png' },
        body: method === 'POST' ? png : undefined,
      });
      assert.ok([400, 404].includes(r.status), `${method} ${path}: ${r.status} ${r.body.slice(0, 200)}`);
      assert.ok(
        !r.body.includes('"devDependencies"') && !r.body.includes('root:x:'),
        `${path} leaked a file`,
      );
    }
    assert.equal((await fetch(`${srv.url}api/info`)).status, 200);
  });

  test('uploads in progress are capped: one more is 503 before its body is read; the slots come back', async () => {
    const capped = await startTiny({ maxConcurrentUploads: 2 }, run);
    const u = new URL(capped.url);
    const stalled: Socket[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const s = connect(Number(u.port), u.hostname, () =>
          s.write('POST /api/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nabc'),
        );
        s.on('error', () => {});
        stalled.push(s);
      }
      // the two stalled uploads hold both slots as soon as the server has their headers
      let busy: { status: number; json: Loose } | null = null;
      for (let k = 0; k < 200 && busy?.status !== 503; k++) {
        busy = await postFile(capped.url, png, 'third.png');
        if (busy.status !== 503) await sleep(20);
      }
      assert.equal(busy!.status, 503, JSON.stringify(busy!.json));
      assert.match(busy!.json.error, /server busy: 2 uploads in progress/);
      stalled.forEach((s) => s.destroy());
      // aborted uploads give their slots back
      let ok = 0;
      for (let k = 0; k < 200 && ok !== 200; k++) {
        ok = (await postFile(capped.url, png, 'later.png')).status;
        if (ok !== 200) await sleep(20);
      }
      assert.equal(ok, 200);
    } finally {
      stalled.forEach((s) => s.destroy());
      await capped.close();
    }
  });
});
