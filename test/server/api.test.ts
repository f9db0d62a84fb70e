/**
 * The viewer's API on a tiny trained run: every upload format gives the same probabilities as the
 * run's heads computed directly, Grad-CAM maps come back at the input size, the noisy quantum head
 * reduces to the exact one on the ideal profile, the gallery reflects predictions and audit flags.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { Tensor, noGrad, tidy } from '../../src/engine/index.js';
import { DEFAULT_PREPROCESS, prepareRaster, type PreprocessConfig } from '../../src/data/index.js';
import { auditFlags, decodeUpload } from '../../src/server/index.js';
import { headProbs } from '../../src/heads/index.js';
import { openRun, type OpenRun } from '../../src/run/index.js';
import { makeDicom, makeNifti } from './formats.js';
import { getJson, postFile, type Loose, startTiny } from './helpers.js';
import { makePhantomSet } from '../../src/data/phantoms.js';
import { phantomImage } from './tiny-run.js';

type View = {
  id: string;
  kind: string;
  slices: number;
  slice: number;
  size: number;
  image: string;
  backbone: { probs: number[] };
  predictions: { kind: string; probs: number[]; predicted: number }[];
  headsAgree: boolean;
};

const pngInfo = (dataUrl: string) =>
  sharp(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64')).metadata();

describe('server API', () => {
  let srv: Awaited<ReturnType<typeof startTiny>>;
  let ref: OpenRun;
  const limits = { maxPixels: 25e6, maxVolumeBytes: 1e8 };

  before(async () => {
    srv = await startTiny();
    ref = openRun(srv.run);
  });
  after(async () => {
    ref.net.dispose();
    await srv.close();
  });

  /** the run's heads on our own decode of the same bytes, without the server */
  async function expected(buf: Uint8Array, slice?: number) {
    const dec = await decodeUpload(buf, 'ref', limits, { slice });
    const cfg = { ...DEFAULT_PREPROCESS, ...ref.arch.preprocess } as PreprocessConfig;
    const img = await prepareRaster(dec.raster, cfg, 'ref');
    const pooled = tidy(() =>
      noGrad(() => ref.net.embed(Tensor.from(img.input, [1, 3, 64, 64])).toFloat32Array()),
    );
    return new Map([...ref.heads].map(([k, h]) => [k, Array.from(headProbs(h.head, pooled))]));
  }

  function assertMatches(v: View, want: Map<string, number[]>) {
    assert.deepEqual(
      v.predictions.map((p) => p.kind),
      [...want.keys()],
    );
    for (const p of v.predictions) {
      const w = want.get(p.kind)!;
      assert.ok(Math.abs(p.probs.reduce((a, b) => a + b, 0) - 1) < 1e-9, `${p.kind} probabilities sum to 1`);
      p.probs.forEach((x, i) => assert.ok(Math.abs(x - w[i]) < 1e-5, `${p.kind}[${i}]: ${x} vs ${w[i]}`));
      assert.equal(p.predicted, p.probs.indexOf(Math.max(...p.probs)));
    }
    assert.equal(v.headsAgree, new Set(v.predictions.map((p) => p.predicted)).size <= 1);
  }

  test('PNG and JPEG uploads: probabilities of every head, as computed directly from the run', async () => {
    for (const fmt of ['png', 'jpeg'] as const) {
      const buf = await phantomImage(fmt, 96, fmt === 'png' ? 5 : 6);
      const r = await postFile(srv.url, buf, `slice.${fmt}`);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const v = r.json as View;
      assert.equal(v.kind, fmt);
      assert.equal(v.size, 64);
      assert.equal((await pngInfo(v.image)).width, 64);
      assertMatches(v, await expected(buf));
    }
  });

  test('DICOM and gzip NIfTI uploads, with a slice picker for the volume', async () => {
    const px = new Uint16Array(80 * 72).map((_, i) => ((i % 80) * 13 + Math.floor(i / 80) * 7) % 3000);
    const dcm = makeDicom(px, 72, 80);
    const d = await postFile(srv.url, dcm, 'scan.dcm');
    assert.equal(d.status, 200, JSON.stringify(d.json));
    assertMatches(d.json as View, await expected(dcm));

    const vol = new Int16Array(40 * 48 * 5).map((_, i) => (i % 40) * (1 + Math.floor(i / (40 * 48))) * 9);
    const nii = makeNifti(vol, 40, 48, 5, true);
    const n = await postFile(srv.url, nii, 'vol.nii.gz');
    assert.equal(n.status, 200, JSON.stringify(n.json));
    const v = n.json as View;
    assert.equal(v.kind, 'nifti-gz');
    assert.equal(v.slices, 5);
    assert.equal(v.slice, 2, 'the middle slice by default');
    assertMatches(v, await expected(nii, 2));
    const s = await fetch(`${srv.url}api/cases/${v.id}/slice?k=4`, { method: 'POST' });
    const v4 = (await s.json()) as View;
    assert.equal(s.status, 200);
    assert.equal(v4.id, v.id);
    assert.equal(v4.slice, 4);
    assertMatches(v4, await expected(nii, 4));
    const direct = await postFile(srv.url, nii, 'vol.nii.gz', '?slice=4');
    assert.deepEqual((direct.json as View).predictions, v4.predictions);
  });

  test('the slice the model sees is the uploaded picture (same size: same pixels)', async () => {
    const [ph] = makePhantomSet(1, 64, 12);
    const png = await sharp(Buffer.from(ph.image.map((v) => Math.round(v * 255))), {
      raw: { width: 64, height: 64, channels: 1 },
    })
      .png()
      .toBuffer();
    const v = (await postFile(srv.url, png, 'same.png')).json as View;
    const shown = await sharp(Buffer.from(v.image.split(',')[1], 'base64'))
      .extractChannel(0)
      .raw()
      .toBuffer();
    let err = 0;
    for (let i = 0; i < shown.length; i++) err = Math.max(err, Math.abs(shown[i] / 255 - ph.image[i]));
    assert.equal(shown.length, 64 * 64);
    assert.ok(err <= 1.5 / 255, `display differs from the upload by ${err}`);
  });

  test('explanations: Grad-CAM, Grad-CAM++, SHAP-CAM overlays and SHAP top features for both heads', async () => {
    const v = (await postFile(srv.url, await phantomImage('png', 64, 8), 'a.png')).json as View;
    const e = await getJson(`${srv.url}api/cases/${v.id}/explain?layer=features&target=1`);
    assert.equal(e.layer, 'features');
    assert.equal(e.targetClass, 1);
    assert.equal(e.className, 'meningioma');
    assert.deepEqual(
      e.models.map((m: Loose) => [m.name, m.source]),
      [
        ['classical', 'linear'],
        ['hybrid', 'quantum'],
      ],
    );
    for (const m of e.models) {
      const mine = v.predictions.find((p) => p.kind === m.source)!;
      m.probs.forEach((p: number, i: number) => assert.ok(Math.abs(p - mine.probs[i]) < 1e-5));
      for (const k of ['gradcam', 'gradcampp', 'shapcam']) {
        const info = await pngInfo(m.maps[k]);
        assert.equal(info.width, 64, k);
        assert.equal(info.channels, 4, k);
      }
      assert.equal(m.shap.top.length, 10);
      const mags = m.shap.top.map((t: Loose) => Math.abs(t.phi));
      assert.deepEqual(
        mags,
        [...mags].sort((a, b) => b - a),
        'largest |φ| first',
      );
      assert.ok(Array.isArray(m.audit.flags));
    }
    assert.equal(
      e.agree,
      e.models.every((m: Loose) => m.audit.flags.length === 0),
    );
    assert.equal(e.models[1].circuitShap.phi.length, 4, 'one Shapley value per qubit');
    const deep = await getJson(`${srv.url}api/cases/${v.id}/explain?layer=features.denseblock1&target=1`);
    assert.notEqual(deep.models[0].maps.gradcam, e.models[0].maps.gradcam);
    const d = await getJson(`${srv.url}api/cases/${v.id}/explain`);
    assert.equal(
      d.targetClass,
      v.predictions.find((p) => p.kind === 'linear')!.predicted,
      'classical prediction',
    );
    // methods from the registries: labels and localisation come with the maps
    const more = await getJson(`${srv.url}api/cases/${v.id}/explain?methods=hirescam,scorecam`);
    assert.deepEqual(Object.keys(more.models[0].maps), ['hirescam', 'scorecam']);
    assert.equal(more.labels.scorecam, 'Score-CAM');
    assert.ok('hirescam' in more.models[0].localization);
  });

  test('noisy quantum head: ideal and exact equals the exact head; seeds reproduce; noise changes ⟨Z⟩', async () => {
    const v = (await postFile(srv.url, await phantomImage('png', 64, 9), 'b.png')).json as View;
    const exact = v.predictions.find((p) => p.kind === 'quantum')!;
    const q = (query: string) => getJson(`${srv.url}api/cases/${v.id}/quantum?${query}`);
    const ideal = await q('profile=ideal');
    ideal.probs.forEach((p: number, i: number) => assert.ok(Math.abs(p - exact.probs[i]) < 1e-9));
    const a = await q('profile=heron&shots=200&seed=4');
    const b = await q('profile=heron&shots=200&seed=4');
    assert.deepEqual(a, b);
    assert.equal(a.shots, 200);
    const eagle = await q('profile=eagle');
    assert.ok(eagle.expvals.some((z: number, i: number) => Math.abs(z - ideal.expvals[i]) > 1e-6));
    const svg = await (await fetch(`${srv.url}api/circuit.svg?case=${v.id}`)).text();
    assert.match(svg, /^<svg[^>]*>/);
    assert.match(svg, /RX|Rot/);
  });

  test('gallery: test cases with per-head predictions, misclassified and audit flags, thumbnails', async () => {
    const g = await getJson(`${srv.url}api/gallery`);
    assert.equal(g.items.length, 8);
    for (const it of g.items)
      assert.equal(
        it.misclassified,
        Object.values(it.predicted).some((c) => c !== it.label),
      );
    assert.deepEqual(
      g.items.filter((i: { flagged: boolean }) => i.flagged).map((i: { index: number }) => i.index),
      [1],
    );
    assert.equal(g.items[1].flagReason, 'low-agreement');
    const t = await fetch(`${srv.url}api/gallery/3/thumb.png`);
    assert.equal(t.status, 200);
    assert.equal(t.headers.get('content-type'), 'image/png');
    const o = await fetch(`${srv.url}api/gallery/3/open`, { method: 'POST' });
    const v = (await o.json()) as View;
    assert.equal(o.status, 200);
    assert.equal(v.kind, 'png');
    assert.equal((await fetch(`${srv.url}api/gallery/99/open`, { method: 'POST' })).status, 404);
  });

  test('bad parameters are refused with the field named', async () => {
    const v = (await postFile(srv.url, await phantomImage('png', 64, 2), 'c.png')).json as View;
    const cases: [string, number, RegExp][] = [
      [`api/cases/${v.id}/explain?layer=nope`, 400, /layer/],
      [`api/cases/${v.id}/explain?target=9`, 400, /targetClass/],
      [`api/cases/${v.id}/explain?methods=lime`, 400, /methods: unknown explanation method 'lime'/],
      [`api/cases/${v.id}/quantum?profile=..%2F..%2Fetc%2Fpasswd`, 400, /profile/],
      [`api/cases/${v.id}/quantum?shots=0`, 400, /shots/],
      [`api/cases/${v.id}/quantum?shots=abc`, 400, /shots/],
      [`api/cases/${v.id}/slice?k=1`, 405, /method/],
      [`api/cases/00000000-0000-0000-0000-000000000000/explain`, 404, /not found/],
      [`api/nothing`, 404, /no such endpoint/],
    ];
    for (const [path, status, re] of cases) {
      const r = await fetch(`${srv.url}${path}`);
      const body = (await r.json()) as Loose;
      assert.equal(r.status, status, `${path}: ${JSON.stringify(body)}`);
      assert.match(body.error, re, path);
    }
    const s = await fetch(`${srv.url}api/cases/${v.id}/slice?k=1`, { method: 'POST' });
    assert.equal(s.status, 400);
    assert.match(((await s.json()) as Loose).error, /one slice/);
  });

  test('audit flags are read from the explain stage layout and tolerated when absent or odd', () => {
    const f = auditFlags({
      flagged: [{ file: 'a/x.png', flags: ['low-agreement', 'gradcam-off-tumor'] }],
      cases: [
        { file: 'a/x.png', flagged: true, flags: ['low-agreement', 'gradcam-off-tumor'] },
        { file: 'b.png', flagged: false, flags: [] },
        { file: 'c.png', flagged: true },
        { nofile: true, flags: ['x'] },
      ],
    });
    assert.deepEqual(
      [...f],
      [
        ['a/x.png', 'low-agreement; gradcam-off-tumor'],
        ['c.png', 'flagged'],
      ],
    );
    assert.equal(auditFlags(undefined).size, 0);
    assert.equal(auditFlags('text').size, 0);
    assert.equal(auditFlags({ cases: [null, 3, 'x'] }).size, 0);
  });
});
