/**
 * Procedural axial brain-slice phantoms for the demo and tests (no downloads): an elliptical skull
 * ring, brain parenchyma with smooth texture, two ventricles, a smooth multiplicative bias field,
 * random pose, Rician noise, and per class a lesion: glioma (irregular, heterogeneous with a dark
 * necrotic core and oedema, inside the brain), meningioma (round, bright, homogeneous, against the
 * skull), pituitary (small, midline, low and central), no tumor (benign bright distractor spots
 * appear in every class). Deterministic per seed. Images are S×S grayscale in [0, 1] with a tumor
 * box (normalised x0, y0, x1, y1) and mask where there is a tumor. To keep the task learnable but
 * not trivial, lesion brightness varies per image, and a quarter of all images (any class) carry a
 * small bright dural spot against the skull that looks like a tiny meningioma; these draws come from
 * a forked stream, so the rest of each phantom is what earlier versions drew.
 */
import { Rng } from '../util/rng.js';

export const PHANTOM_CLASSES = ['glioma', 'meningioma', 'notumor', 'pituitary'] as const;

export interface Phantom {
  image: Float32Array;
  label: number;
  box: [number, number, number, number] | null;
  /** S×S tumor mask (1 inside the lesion, oedema included for glioma) */
  mask: Uint8Array;
}

/** Everything random about one phantom but its noise, drawn in a fixed order (the seed's contract). */
interface Scene {
  cx: number;
  cy: number;
  ax: number;
  ay: number;
  /** cos and sin of the pose's rotation */
  cr: number;
  sr: number;
  /** texture waves [fx, fy, phase, amplitude] */
  tex: number[][];
  bias: number[];
  /** benign bright spots [u, v, r] */
  spots: number[][];
  /** lesion in brain-normalised coordinates (u, v in [-1, 1]); null for no tumor */
  les: { u: number; v: number; r: number; kind: number } | null;
  /** glioma outline harmonics [k, phase, amplitude] */
  irregular: number[][];
  contrast: number;
  lesionGain: number;
  dural: { u: number; v: number; r: number } | null;
}

function drawLesion(rng: Rng, label: number): Scene['les'] {
  if (label === 0)
    return { u: rng.uniform(-0.5, 0.5), v: rng.uniform(-0.55, 0.35), r: rng.uniform(0.14, 0.26), kind: 0 };
  if (label === 1) {
    const a = rng.uniform(-Math.PI, 0);
    const r = rng.uniform(0.1, 0.18);
    return { u: Math.cos(a) * (0.92 - r), v: Math.sin(a) * (0.92 - r), r, kind: 1 };
  }
  if (label === 3)
    return { u: rng.uniform(-0.05, 0.05), v: rng.uniform(0.3, 0.45), r: rng.uniform(0.06, 0.1), kind: 3 };
  return null;
}

function drawScene(rng: Rng, label: number): Scene {
  const cx = 0.5 + rng.uniform(-0.04, 0.04);
  const cy = 0.5 + rng.uniform(-0.04, 0.04);
  const ax = rng.uniform(0.36, 0.42);
  const ay = rng.uniform(0.42, 0.47);
  const rot = rng.uniform(-0.25, 0.25);
  const tex = Array.from({ length: 6 }, () => [
    rng.uniform(4, 14),
    rng.uniform(4, 14),
    rng.uniform(0, 6.3),
    rng.uniform(0.02, 0.05),
  ]);
  const bias = [rng.uniform(-0.25, 0.25), rng.uniform(-0.25, 0.25)];
  const spots = Array.from({ length: rng.int(3) + 1 }, () => [
    rng.uniform(-0.5, 0.5),
    rng.uniform(-0.5, 0.5),
    rng.uniform(0.01, 0.025),
  ]);
  const les = drawLesion(rng, label);
  const irregular = Array.from({ length: 5 }, () => [
    rng.int(4) + 2,
    rng.uniform(0, 6.3),
    rng.uniform(0.1, 0.3),
  ]);
  const contrast = rng.uniform(0.75, 1.25);
  const extra = rng.fork('lesion-contrast-and-dural-distractor');
  const lesionGain = extra.uniform(0.85, 1.08);
  const da = extra.uniform(-Math.PI, Math.PI);
  const dr = extra.uniform(0.035, 0.06);
  const dural =
    extra.next() < 0.25 ? { u: Math.cos(da) * (0.93 - dr), v: Math.sin(da) * (0.93 - dr), r: dr } : null;
  const [cr, sr] = [Math.cos(rot), Math.sin(rot)];
  return { cx, cy, ax, ay, cr, sr, tex, bias, spots, les, irregular, contrast, lesionGain, dural };
}

/** The anatomy at brain-normalised (u, v), rr = |(u, v)|: skull, CSF, matter, ventricles, spots. */
function tissue(sc: Scene, u: number, v: number, rr: number): number {
  if (rr < 1.08 && rr >= 0.97) return 0.85; // skull
  if (rr < 0.97 && rr >= 0.93) return 0.15; // CSF
  if (rr >= 0.93) return 0;
  let val = rr < 0.6 ? 0.55 : 0.45; // white / grey matter
  for (const [fx, fy, ph, amp] of sc.tex) val += amp * Math.sin(fx * u + ph) * Math.cos(fy * v - ph);
  // ventricles
  if (
    Math.hypot((u + 0.12) / 0.07, (v + 0.05) / 0.25) < 1 ||
    Math.hypot((u - 0.12) / 0.07, (v + 0.05) / 0.25) < 1
  )
    val = 0.12;
  for (const [su, sv, sr2] of sc.spots) if (Math.hypot(u - su, v - sv) < sr2 * 2.5) val = 0.8;
  const dural = sc.dural;
  if (dural && Math.hypot(u - dural.u, v - dural.v) < dural.r) val = 0.9;
  return val;
}

/** The lesion drawn over `val` at (u, v), and whether the point is in the tumor mask. */
function withLesion(sc: Scene, u: number, v: number, val: number): { val: number; inside: boolean } {
  const les = sc.les!;
  let d = Math.hypot(u - les.u, v - les.v);
  if (les.kind === 0) {
    const ang = Math.atan2(v - les.v, u - les.u);
    let f = 1;
    for (const [k, ph, a] of sc.irregular) f += a * Math.sin(k * ang + ph);
    d /= f;
    if (d < les.r * 1.5) val = Math.max(val, 0.62); // oedema
    if (d < les.r) val = (0.75 + 0.1 * Math.sin(30 * u) * Math.cos(27 * v)) * sc.lesionGain;
    if (d < les.r * 0.45) val = 0.2; // necrotic core
  } else if (les.kind === 1 && d < les.r) val = 0.95 * sc.lesionGain;
  else if (les.kind === 3 && d < les.r) val = 0.88 * sc.lesionGain;
  return { val, inside: d < (les.kind === 0 ? les.r * 1.5 : les.r) };
}

export function makePhantom(size: number, label: number, seed: number): Phantom {
  if (!Number.isInteger(size) || size < 16 || size > 1024)
    throw new RangeError(`phantom size must be in [16, 1024], got ${size}`);
  if (!(label >= 0 && label < 4)) throw new RangeError(`phantom label must be 0..3, got ${label}`);
  const rng = new Rng(seed);
  const S = size;
  const img = new Float32Array(S * S);
  const mask = new Uint8Array(S * S);
  const sc = drawScene(rng, label);
  const { cx, cy, ax, ay, cr, sr, bias } = sc;
  const bb = [Infinity, Infinity, -Infinity, -Infinity];
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      const px = (x + 0.5) / S - cx;
      const py = (y + 0.5) / S - cy;
      const u = (cr * px + sr * py) / ax;
      const v = (-sr * px + cr * py) / ay;
      const rr = Math.hypot(u, v);
      let val = tissue(sc, u, v, rr);
      if (sc.les && rr < 0.97) {
        const l = withLesion(sc, u, v, val);
        val = l.val;
        if (l.inside) {
          mask[y * S + x] = 1;
          bb[0] = Math.min(bb[0], x);
          bb[1] = Math.min(bb[1], y);
          bb[2] = Math.max(bb[2], x + 1);
          bb[3] = Math.max(bb[3], y + 1);
        }
      }
      if (rr >= 1.08) val = 0;
      val *= sc.contrast * (1 + bias[0] * px + bias[1] * py);
      // Rician noise: magnitude of a complex Gaussian around the true signal
      const s = 0.03;
      const nr = val + s * rng.normal();
      const ni = s * rng.normal();
      img[y * S + x] = Math.min(1, Math.hypot(nr, ni));
    }
  const box: Phantom['box'] = Number.isFinite(bb[0]) ? [bb[0] / S, bb[1] / S, bb[2] / S, bb[3] / S] : null;
  return { image: img, label, box, mask };
}

/** A balanced phantom set: n images in total, labels cycling through the four classes. */
export function makePhantomSet(n: number, size: number, seed: number): Phantom[] {
  return Array.from({ length: n }, (_, i) => makePhantom(size, i % 4, (seed * 100003 + i * 7919) >>> 0));
}

/** Per-image z-score and 3-channel replication: N×3×S×S float32. */
export function toTensorData(phantoms: readonly Phantom[], size: number): Float32Array {
  const per = size * size;
  const out = new Float32Array(phantoms.length * 3 * per);
  phantoms.forEach((p, i) => {
    let m = 0;
    for (const v of p.image) m += v;
    m /= per;
    let sd = 0;
    for (const v of p.image) sd += (v - m) ** 2;
    sd = Math.sqrt(sd / per) || 1;
    for (let c = 0; c < 3; c++)
      for (let k = 0; k < per; k++) out[(i * 3 + c) * per + k] = (p.image[k] - m) / sd;
  });
  return out;
}
