/**
 * Hardening of the viewer: body size limit, type from content, decompression-bomb limits, no path
 * traversal, DICOM patient tags never logged or stored, loopback binding and Host check, request
 * deadlines, and concurrent requests that cannot corrupt the shared model state.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { makeDicom, makeNifti } from './formats.js';
import { getJson, postFile, type Loose, raw, startTiny } from './helpers.js';
import { buildTinyRun, phantomImage } from './tiny-run.js';

const UPLOAD_LIMIT = 256 * 1024;

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) filesUnder(p, out);
    else out.push(p);
  }
  return out;
}

describe('server hardening', () => {
  let run: string;
  let srv: Awaited<ReturnType<typeof startTiny>>;

  before(async () => {
    run = await buildTinyRun();
    srv = await startTiny(
      { maxUploadBytes: UPLOAD_LIMIT, maxPixels: 1_000_000, maxVolumeBytes: 4_000_000 },
      run,
    );
  });
  after(async () => {
    await srv.close();
    rmSync(run, { recursive: true, force: true });
  });

  test('binds 127.0.0.1 by default and refuses foreign Host headers (DNS rebinding)', async () => {
    assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await raw(srv.url, '/api/info', { headers: { host: 'evil.example:80' } });
    assert.equal(r.status, 421);
    assert.equal((await raw(srv.url, '/api/info', { headers: { host: 'localhost' } })).status, 200);
  });

  test('upload size limit: 413 from Content-Length and from a streamed body without it', async () => {
    const big = Buffer.alloc(UPLOAD_LIMIT + 1, 7);
    const a = await postFile(srv.url, big, 'big.png');
    assert.equal(a.status, 413);
    assert.match(a.json.error!, /limit of 262144 bytes/);
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(srv.url);
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          path: '/api/cases',
          method: 'POST',
          headers: { 'transfer-encoding': 'chunked' },
        },
        (res) => (res.resume(), resolve(res.statusCode ?? 0)),
      );
      req.on('error', reject);
      let sent = 0;
      const pump = () => {
        while (sent <= UPLOAD_LIMIT * 2) {
          sent += 65536;
          if (!req.write(Buffer.alloc(65536, 1))) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(status, 413);
    // the server still answers afterwards
    assert.equal((await fetch(`${srv.url}api/info`)).status, 200);
  });

  test('type from content, not the name: 415 for other bytes, 400 for empty, truncated or corrupt', async () => {
    const png = await phantomImage('png', 64, 3);
    const r = await postFile(srv.url, png, 'looks-like.dcm');
    assert.equal(r.status, 200);
    assert.equal(r.json.kind, 'png');
    const text = await postFile(srv.url, Buffer.from('<html>not an image</html>'), 'evil.png');
    assert.equal(text.status, 415);
    assert.match(text.json.error!, /evil\.png: not an image/);
    const exe = await postFile(srv.url, Buffer.from('MZ\x90\x00'.repeat(100), 'latin1'), 'x.jpg');
    assert.equal(exe.status, 415);
    assert.equal((await postFile(srv.url, Buffer.alloc(0), 'empty.png')).status, 400);
    const trunc = await postFile(srv.url, png.subarray(0, Math.floor(png.length / 2)), 'half.png');
    assert.equal(trunc.status, 400);
    assert.match(trunc.json.error!, /half\.png: (corrupt|not a readable)/);
    const dcm = makeDicom(new Uint16Array(64 * 64), 64, 64);
    const cut = await postFile(srv.url, dcm.subarray(0, dcm.length - 3000), 'cut.dcm');
    assert.equal(cut.status, 400);
    assert.match(cut.json.error!, /truncated|not a readable DICOM/);
    const jp2 = await postFile(
      srv.url,
      makeDicom(new Uint16Array(16), 4, 4, { transferSyntax: '1.2.840.10008.1.2.4.100' }),
      'j.dcm',
    );
    assert.equal(jp2.status, 415);
    assert.match(jp2.json.error!, /unsupported: transfer syntax 1\.2\.840\.10008\.1\.2\.4\.100/);
    const nii = makeNifti(new Int16Array(32 * 32 * 3), 32, 32, 3);
    const s = await postFile(srv.url, nii, 'v.nii', '?slice=3');
    assert.equal(s.status, 400);
    assert.match(s.json.error!, /v\.nii: slice 3 is out.*0\.\.2/);
  });

  test('decompression bombs: pixel limit from the header, gzip inflation capped', async () => {
    // 4000×4000 black PNG: small on the wire, 16 MP decoded
    const bomb = await sharp({ create: { width: 4000, height: 4000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    assert.ok(bomb.length < UPLOAD_LIMIT, `bomb is ${bomb.length} bytes`);
    const a = await postFile(srv.url, bomb, 'bomb.png');
    assert.equal(a.status, 413);
    assert.match(a.json.error!, /bomb\.png: .*4000×4000 = 16000000 pixels, over the limit of 1000000/);
    const dcm = await postFile(srv.url, makeDicom(new Uint16Array(4), 2000, 2000), 'huge.dcm');
    assert.equal(dcm.status, 413);
    // a gzip NIfTI that inflates to 64 MB from a few kB
    const hdr = makeNifti(new Int16Array(0), 2048, 2048, 8);
    const gz = gzipSync(Buffer.concat([hdr, Buffer.alloc(2048 * 2048 * 8 * 2)]));
    assert.ok(gz.length < UPLOAD_LIMIT);
    const n = await postFile(srv.url, gz, 'bomb.nii.gz');
    assert.equal(n.status, 413);
    assert.match(n.json.error!, /inflates beyond 4000000 bytes/);
  });

  test('no path traversal through static files, case ids, gallery indices or profiles', async () => {
    const secret = readFileSync(join(process.cwd(), 'package.json'), 'utf8');
    const paths = [
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/public/../../../package.json',
      '//etc/passwd',
      '/index.html%00.png',
      '/app.js/..%2f..%2fviewer.ts',
      '/api/cases/..%2f..%2f..%2fpackage.json/explain',
      '/api/gallery/..%2f..%2fpackage.json/thumb.png',
      '/api/gallery/-1/thumb.png',
      '/api/circuit.svg?case=../../package.json',
      '/api/cases/x/quantum?profile=/etc/passwd',
    ];
    for (const p of paths) {
      const r = await raw(srv.url, p);
      assert.ok([400, 404].includes(r.status), `${p}: status ${r.status}`);
      assert.ok(!r.body.includes('"devDependencies"') && !r.body.includes('root:x:'), `${p} leaked a file`);
      assert.ok(!secret.includes(r.body.slice(0, 60)) || r.body.length < 60);
    }
    for (const p of ['/', '/index.html', '/app.js', '/style.css'])
      assert.equal((await raw(srv.url, p)).status, 200, p);
  });

  test('DICOM patient tags are never returned, logged or written anywhere', async () => {
    const before = new Set(filesUnder(run));
    const tmpBefore = new Set(readdirSync(tmpdir()));
    const name = 'ZZTOPSECRET^PATIENT';
    const id = 'PID-9981726354';
    const px = new Uint16Array(64 * 64).map((_, i) => i % 1000);
    const dcm = makeDicom(px, 64, 64, { patientName: name, patientId: id });
    const r = await fetch(`${srv.url}api/cases`, {
      method: 'POST',
      body: dcm,
      headers: { 'x-file-name': 'scan.dcm' },
    });
    const text = await r.text();
    assert.equal(r.status, 200);
    const v = JSON.parse(text);
    const more = [
      await (await fetch(`${srv.url}api/cases/${v.id}/explain`)).text(),
      await (await fetch(`${srv.url}api/cases/${v.id}/quantum?profile=heron&shots=10`)).text(),
      await (await fetch(`${srv.url}api/circuit.svg?case=${v.id}`)).text(),
    ];
    const bad = await postFile(srv.url, dcm.subarray(0, dcm.length - 100), 'scan.dcm');
    assert.equal(bad.status, 400);
    for (const s of [text, ...more, JSON.stringify(bad.json), srv.logs.join('\n')]) {
      assert.ok(!s.includes('ZZTOPSECRET'), 'patient name leaked');
      assert.ok(!s.includes(id), 'patient id leaked');
      assert.ok(!Buffer.from(s).includes(Buffer.from(name, 'latin1')));
    }
    assert.equal(v.label, 'DICOM upload');
    const added = filesUnder(run).filter((f) => !before.has(f));
    assert.deepEqual(added, [], 'no file written into the run');
    for (const n of readdirSync(tmpdir()).filter((f) => !tmpBefore.has(f))) {
      const p = join(tmpdir(), n);
      if (statSync(p).isFile()) assert.ok(!readFileSync(p).includes(Buffer.from('ZZTOPSECRET')), p);
    }
  });

  test('per-request deadline: a request that cannot get the model in time gets 503', async () => {
    // the deadline covers the whole request, so it is long enough for a slow CI machine to finish
    // the second (unblocked) upload
    const quick = await startTiny({ requestTimeoutMs: 1500 }, run);
    try {
      // the model is held until the late request has been answered, so the outcome does not
      // depend on how fast this machine is
      let release!: () => void;
      const hold = quick.viewer.queue.run(() => new Promise<void>((r) => (release = r)));
      const t = await postFile(quick.url, await phantomImage('png', 64, 1), 'late.png');
      release();
      assert.equal(t.status, 503);
      assert.match(t.json.error!, /timed out/);
      await hold;
      assert.equal((await postFile(quick.url, await phantomImage('png', 64, 1), 'ok.png')).status, 200);
    } finally {
      await quick.close();
    }
  });

  test(
    'slow clients: a request whose headers or body never complete is answered 408 / 503 and closed',
    { timeout: 30_000 },
    async () => {
      const quick = await startTiny({ requestTimeoutMs: 300 }, run);
      try {
        const u = new URL(quick.url);
        for (const partial of [
          'GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1',
          'POST /api/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nabc',
        ]) {
          const reply = await new Promise<string>((resolve, reject) => {
            const sock = connect(Number(u.port), u.hostname, () => sock.write(partial));
            let got = '';
            sock.on('data', (d) => (got += d.toString()));
            sock.on('close', () => resolve(got));
            sock.on('error', reject);
          });
          // an empty reply (the socket just dropped) is not an answer: the client must be told
          assert.match(reply.slice(0, 80), /^HTTP\/1\.1 (408|503) /);
        }
      } finally {
        await quick.close();
      }
    },
  );

  test('concurrent requests: model work never overlaps and results equal the sequential ones', async () => {
    const imgs = await Promise.all([1, 2, 3, 4].map((s) => phantomImage('png', 64, 40 + s)));
    const seq: Loose[] = [];
    for (const b of imgs) seq.push((await postFile(srv.url, b, 's.png')).json);
    const camSeq = await Promise.all(
      seq.map(
        async (v) =>
          (await getJson(`${srv.url}api/cases/${v.id}/explain?layer=features.denseblock1`)).models[0].maps
            .gradcam,
      ),
    );
    const par = await Promise.all([...imgs, ...imgs].map((b) => postFile(srv.url, b, 'p.png')));
    const cams = await Promise.all(
      par.map(
        async (r) =>
          (await getJson(`${srv.url}api/cases/${r.json.id}/explain?layer=features.denseblock1`)).models[0]
            .maps.gradcam,
      ),
    );
    par.forEach((r, i) => {
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.predictions, seq[i % 4].predictions);
      assert.deepEqual(r.json.backbone, seq[i % 4].backbone);
      assert.equal(cams[i], camSeq[i % 4]);
    });
    assert.equal(srv.viewer.queue.maxRunning, 1);
  });
});
