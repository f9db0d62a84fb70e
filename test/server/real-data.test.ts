/**
 * Opt-in: real MRI slices from ../shared/data/brain-tumor-mri beside the repository (or QMRI_REAL_DATA) through the
 * viewer (tiny run): one JPEG per class uploads, predicts and explains. Skipped when the set is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { realDataDir } from '../../src/data/index.js';
import { getJson, postFile, startTiny } from './helpers.js';

const DIR = resolve(realDataDir());
const skip = existsSync(DIR)
  ? false
  : `real data set not found at ${DIR} (set QMRI_REAL_DATA to run these checks)`;

describe('viewer on real MRI slices', { skip }, () => {
  let srv: Awaited<ReturnType<typeof startTiny>>;
  before(async () => {
    srv = await startTiny();
  });
  after(() => srv?.close());

  test('one slice per class: prediction and explanation', async () => {
    for (const cls of ['glioma', 'meningioma', 'notumor', 'pituitary']) {
      const d = join(DIR, cls);
      if (!existsSync(d)) continue;
      const f = readdirSync(d)
        .filter((n) => /\.(jpe?g|png)$/i.test(n))
        .sort()[0];
      if (!f) continue;
      const r = await postFile(srv.url, readFileSync(join(d, f)), f);
      assert.equal(r.status, 200, `${cls}/${f}: ${JSON.stringify(r.json).slice(0, 200)}`);
      assert.equal(r.json.predictions.length, 2);
      const e = await getJson(`${srv.url}api/cases/${r.json.id}/explain`);
      assert.equal(e.models.length, 2, `${cls}/${f}`);
      assert.ok(
        e.models.every((m: { maps: Record<string, string> }) => m.maps.gradcam.startsWith('data:image/png')),
      );
    }
  });
});
