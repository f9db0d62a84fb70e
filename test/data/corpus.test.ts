/**
 * The real-world corpus (scripts/build-corpus.sh: DCMTK, GDCM, pydicom and nibabel files, npm
 * package samples): every transfer syntax, multi-frame and enhanced MR, odd bit depths and
 * photometric interpretations, NIfTI-1/2 in every common datatype decode to exactly the writer's
 * own decode (lossy JPEG within one grey level); the rest is refused with "unsupported: ...".
 * The corpus is built at test set-up (scripts/test.sh) and brought up to date here when the tools
 * are installed (the build script returns at once when nothing changed); without the tools this
 * skips with a message.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DataError, TRANSFER_SYNTAXES, decodeBuffer } from '../../src/data/index.js';
import { checkEntry, readCorpus } from './corpus-check.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = process.env.QMRI_CORPUS ?? join(ROOT, 'test-artifacts', 'corpus');
const toolsThere =
  spawnSync('bash', ['-c', 'command -v dcmconv && command -v gdcmconv'], { encoding: 'utf8' }).status === 0;
if (!process.env.QMRI_CORPUS && toolsThere) {
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'build-corpus.sh')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/build-corpus.sh failed:\n${r.stderr}`);
}
const built = existsSync(join(DIR, 'corpus.json'));
const skip = built
  ? false
  : `corpus not built at ${DIR} (run bash scripts/build-corpus.sh; needs dcmtk, gdcm, pydicom, nibabel)`;
/** Files over 4 M samples (a 3072×2048 RGB npm sample: ~20 s of pure-JS lossless JPEG) run in the bench only. */
const big = (e: { rows?: number; cols?: number; frames?: number; samplesPerPixel?: number }) =>
  (e.rows ?? 0) * (e.cols ?? 0) * (e.frames ?? 1) * (e.samplesPerPixel ?? 1) > 4e6
    ? 'over 4 M samples: checked by bench/data/corpus.ts (BENCHMARKS.md)'
    : false;
const corpus = built ? readCorpus(DIR) : { source: '', tools: {}, entries: [] };

describe('real-world corpus', { skip }, () => {
  test('covers every transfer syntax of the registry, multi-frame, enhanced MR and NIfTI-1/2', () => {
    const syntaxes = new Set(corpus.entries.map((e) => e.transferSyntax).filter(Boolean));
    for (const uid of Object.keys(TRANSFER_SYNTAXES))
      assert.ok(syntaxes.has(uid), `no corpus file in ${TRANSFER_SYNTAXES[uid].name} (${uid})`);
    assert.ok(corpus.entries.some((e) => (e.frames ?? 1) > 1 && /dcmtk|gdcm/.test(e.writer)));
    assert.ok(corpus.entries.some((e) => e.file.startsWith('enhanced-mr')));
    for (const f of [
      'nifti1-int16.nii',
      'nifti1-int16.nii.gz',
      'nifti2-int16.nii',
      'nifti1-int16-scaled.nii',
    ])
      assert.ok(
        corpus.entries.some((e) => e.file === f),
        f,
      );
  });

  for (const e of corpus.entries)
    test(
      `${e.file} (${e.writer}): ${e.expect === 'decode' ? 'decodes like its writer' : 'refused as unsupported'}`,
      { skip: big(e) },
      async () => {
        const r = await checkEntry(DIR, e);
        if (e.expect === 'decode') {
          assert.ok(
            r.outcome === 'exact' || r.outcome === 'close',
            `${r.outcome} ${r.error ?? ''} max |Δ| ${r.maxDiff}`,
          );
          if (!e.lossy && !/lossy|baseline|near-lossless/.test(e.file)) assert.equal(r.outcome, 'exact');
        } else {
          assert.equal(r.outcome, 'error');
          assert.equal(r.code, 'unsupported');
          assert.match(r.error!, new RegExp(`^${e.file.replace(/\./g, '\\.')}: unsupported: `));
        }
      },
    );

  test('multi-frame DICOM is a volume: the middle frame by default, any frame on request, out of range named', async () => {
    const e = corpus.entries.find((x) => x.file === 'mf5-dcmtk-rle.dcm')!;
    const bytes = readFileSync(join(DIR, e.file));
    const mid = await decodeBuffer(bytes, e.file);
    assert.equal(mid.slices, 5);
    assert.equal(mid.slice, 2);
    const first = await decodeBuffer(bytes, e.file, { slice: 0 });
    assert.equal(first.slice, 0);
    assert.notDeepEqual(
      Array.from(first.pixels.slice(0, 50)),
      Array.from(mid.pixels.slice(0, 50)).map(() => -1),
    );
    await assert.rejects(decodeBuffer(bytes, e.file, { slice: 5 }), (err: DataError) => {
      assert.equal(err.code, 'invalid');
      assert.match(err.message, /mf5-dcmtk-rle\.dcm: slice 5 is outside 0\.\.4/);
      return true;
    });
  });
});
