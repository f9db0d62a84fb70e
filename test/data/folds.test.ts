import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assignFolds,
  dedupeFold,
  foldManifest,
  foldSource,
  hamming,
  type Manifest,
  type PHash,
} from '../../src/data/index.js';

const CLASSES = ['glioma', 'meningioma', 'notumor', 'pituitary'];

/** groupsPerClass groups per class, group g of class c holding 2 + (g % 3) slices. */
function manifest(groupsPerClass: number): Manifest {
  const entries: Manifest['entries'] = [];
  for (let c = 0; c < CLASSES.length; c++)
    for (let g = 0; g < groupsPerClass; g++)
      for (let s = 0; s < 2 + (g % 3); s++)
        entries.push({
          file: `${CLASSES[c]}/p${g}-s${s}.png`,
          label: c,
          className: CLASSES[c],
          group: `${CLASSES[c]}/p${g}`,
          split: 'train',
          sha256: (c * 1000 + g * 10 + s).toString(16).padStart(64, '0'),
          box: null,
        });
  return {
    version: 1,
    root: '/data',
    classes: CLASSES,
    entries,
    split: {
      train: 0.7,
      val: 0.15,
      test: 0.15,
      seed: 3,
      blockSize: 20,
      layout: 'folders',
      grouping: 'patient',
    },
  };
}

test('grouped k-fold: whole groups, every group in exactly one fold, every class in every fold, seeded', () => {
  const m = manifest(6);
  const of = assignFolds(m.entries, 4, 3, 3);
  const foldOf = new Map<string, number>();
  m.entries.forEach((e, i) => {
    assert.equal(foldOf.get(e.group) ?? of[i], of[i], `group ${e.group} split across folds`);
    foldOf.set(e.group, of[i]);
  });
  for (let f = 0; f < 3; f++)
    for (let c = 0; c < 4; c++)
      assert.ok(
        m.entries.some((e, i) => of[i] === f && e.label === c),
        `fold ${f} has class ${c}`,
      );
  const sizes = [0, 1, 2].map((f) => of.filter((x) => x === f).length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 4, `balanced folds: ${sizes}`);
  assert.deepEqual(assignFolds(m.entries, 4, 3, 3), of, 'same seed, same folds');
  assert.notDeepEqual(assignFolds(m.entries, 4, 3, 4), of, 'another seed, other folds');
  assert.throws(() => assignFolds(m.entries, 4, 1, 3), /k must be a whole number ≥ 2/);
  assert.throws(() => assignFolds(m.entries.slice(0, 5), 4, 3, 3), /3 folds need at least 3 groups/);
});

test('fold manifests: the test sets partition the data; train/val from the other folds, whole groups', () => {
  const m = manifest(9);
  const tested = new Map<string, number>();
  for (let f = 0; f < 3; f++) {
    const fm = foldManifest(m, 3, f);
    assert.deepEqual(fm.split.fold, { index: f, of: 3 });
    const splitOf = new Map<string, string>();
    for (const e of fm.entries) {
      assert.equal(splitOf.get(e.group) ?? e.split, e.split, `group ${e.group} straddles splits`);
      splitOf.set(e.group, e.split);
      if (e.split === 'test') {
        assert.ok(!tested.has(e.file), `${e.file} tested twice`);
        tested.set(e.file, f);
      }
    }
    const n = (s: string) => fm.entries.filter((e) => e.split === s).length;
    // train : val = 0.7 : 0.15 of the other folds, within a group or two per class
    assert.ok(
      Math.abs(n('val') / (n('train') + n('val')) - 0.15 / 0.85) < 0.1,
      `${n('train')} / ${n('val')}`,
    );
  }
  assert.equal(tested.size, m.entries.length, 'every image tested exactly once');
  // too few groups per class for the folds: the class and the fix are named
  assert.throws(
    () => foldManifest(manifest(3), 3, 0),
    /fold 1 of 3: its (train|val) split has no image of class 'glioma'.*lower compare\.folds/,
  );
});

test("foldScope 'trainval': the folds re-split train + val only, the manifest's test split is in no fold", () => {
  // a one-split manifest: every 5th group of each class is the test split
  const m = manifest(12);
  const held = (e: Manifest['entries'][number]) => Number(e.group.split('/p')[1]) % 5 === 0;
  const split: Manifest = {
    ...m,
    entries: m.entries.map((e) => ({ ...e, split: held(e) ? 'test' : e.split })),
  };
  assert.equal(foldSource(split, 'all'), split, "'all' re-splits the manifest as it is");
  const source = foldSource(split, 'trainval');
  const heldOut = new Set(split.entries.filter(held).map((e) => e.file));
  assert.ok(heldOut.size > 0);
  assert.equal(source.entries.length, split.entries.length - heldOut.size);
  const tested = new Set<string>();
  for (let f = 0; f < 3; f++) {
    const fm = foldManifest(source, 3, f);
    for (const e of fm.entries) {
      assert.ok(!heldOut.has(e.file), `${e.file} (the run's test split) is in fold ${f + 1}`);
      if (e.split === 'test') tested.add(e.file);
    }
  }
  assert.equal(tested.size, source.entries.length, 'every train/val image tested exactly once');
  const onlyTest: Manifest = { ...m, entries: m.entries.map((e) => ({ ...e, split: 'test' })) };
  assert.throws(() => foldSource(onlyTest, 'trainval'), /no train or val entry/);
});

/** A 256-bit hash with `bits` of its low bits set (two hashes differ in the bits they do not share). */
function hashWith(bits: number, offset = 0): PHash {
  const h = new Uint32Array(8);
  for (let b = offset; b < offset + bits; b++) h[b >> 5] |= 1 << (b & 31);
  return h;
}

test("a fold's near-duplicates across its splits are removed (the train/val copy), and counted", () => {
  const m = manifest(6);
  const f = foldManifest(m, 3, 1);
  const test0 = f.entries.find((e) => e.split === 'test')!;
  const train0 = f.entries.find((e) => e.split === 'train')!;
  const val0 = f.entries.find((e) => e.split === 'val')!;
  // every image far from every other (disjoint 4-bit patterns), except: a train image 2 bits from a
  // test image, a val image identical to another test image's hash pattern shifted by 1 bit
  const hashes = new Map<string, PHash | null>(f.entries.map((e, i) => [e.file, hashWith(4, (i * 5) % 252)]));
  const farApart = new Map(hashes);
  hashes.set(
    train0.file,
    hashes.get(test0.file)!.map((w, k) => (k === 0 ? w ^ 0b11 : w)),
  );
  hashes.set(
    val0.file,
    hashes.get(test0.file)!.map((w, k) => (k === 7 ? w ^ (1 << 31) : w)),
  );
  const d = dedupeFold(f, hashes, 3);
  assert.equal(d.split.fold!.removedDuplicates, 2);
  const kept = new Set(d.entries.map((e) => e.file));
  assert.ok(kept.has(test0.file), 'the test copy stays: the fold test sets still partition the data');
  assert.ok(!kept.has(train0.file) && !kept.has(val0.file));
  assert.equal(d.entries.length, f.entries.length - 2);
  // independently: no pair across the fold's splits within 3 bits is left
  for (const a of d.entries)
    for (const b of d.entries)
      if (a.split !== b.split)
        assert.ok(hamming(hashes.get(a.file)!, hashes.get(b.file)!) > 3, `${a.file} ~ ${b.file}`);
  // with nothing near, nothing goes (and the count says 0)
  const none = dedupeFold(f, farApart, 3);
  assert.equal(none.split.fold!.removedDuplicates, 0);
  assert.equal(none.entries.length, f.entries.length);
  assert.throws(() => dedupeFold(m, hashes, 3), /not a fold manifest/);
});
