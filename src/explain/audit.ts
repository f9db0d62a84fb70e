/**
 * The per-image audit of two spatial explanations (Grad-CAM and SHAP-CAM, same size): Spearman rank
 * correlation and top-20% IoU between them; for each map, the pointing game (peak inside the tumor
 * box) and the fraction of its positive energy inside the box (null — n/a, not zero — when the image
 * has no box); and the flags: Grad-CAM points at the tumor while SHAP's mass lies elsewhere, or the
 * reverse, and low agreement. A map "lies elsewhere" when its peak misses the box and less than
 * `energyThreshold` of its energy is inside it.
 * An empty map (nothing positive: Grad-CAM's ReLU of Σ αₖAₖ is all zero when the class score falls
 * as the features grow, which happens with non-linear heads) says nothing about place: its pointing,
 * energy and agreement are n/a (null), it is flagged 'gradcam-empty' / 'shapcam-empty', and the
 * summary counts it instead of averaging it in as a miss.
 *
 * Localisation of any map (localize): the pointing game takes the peak from the map's raw cells
 * (its own h×w grid, before bilinear upsampling, so flat cells are not split by interpolation
 * artefacts) and scores the peak cell's centre inside the box (exact) and within a tolerance (15 px
 * at the original image's scale, as in the literature); energy-in-box is the upsampled map's
 * positive mass inside the box. Beside each, `cap` is what a perfect map at that resolution reaches
 * on the same image (localization-cap.ts). summarizeLocalization() gives the per method × head row.
 */
import type { Box } from '../data/index.js';
import { cellDistance, type LocalizationCap } from './localization-cap.js';

export interface MapLocalization {
  /** peak (raw cell centre) inside the box; null when there is no box or the map is empty */
  pointing: boolean | null;
  /** peak within the tolerance of the box; null also when the tolerance is unknown */
  pointingTol?: boolean | null;
  /** what a perfect map at this map's resolution reaches on this image (null without a box) */
  cap?: LocalizationCap | null;
  /** positive energy inside the box / total; null when there is no box or the map is empty */
  energyInBox: number | null;
  /** nothing positive in the map */
  empty: boolean;
}

export interface CaseAudit {
  /** null when either map is empty */
  spearman: number | null;
  iouTop20: number | null;
  hasBox: boolean;
  gradcam: MapLocalization;
  shap: MapLocalization;
  flags: string[];
  /**
   * disagreement flags withheld because a compared method failed the randomisation check
   * (sanity.ts): `failed` names those methods
   */
  unvalidated?: { flags: string[]; failed: string[] };
}

/** The flags that compare Grad-CAM with SHAP: they count only when both pass the sanity check. */
export const DISAGREEMENT_FLAGS: readonly string[] = [
  'gradcam-on-tumor-shap-elsewhere',
  'shap-on-tumor-gradcam-elsewhere',
  'low-agreement',
];

/**
 * Withholds the disagreement flags of an audit when a compared map method (`failed`: 'gradcam',
 * 'shapcam') failed the randomisation check: such a map does not show the model, so its
 * disagreement with the other one says nothing. Returns the audit with the flags moved.
 */
export function withholdUnsaneFlags(audit: CaseAudit, failed: string[]): CaseAudit {
  if (!failed.length) return audit;
  const withheld = audit.flags.filter((f) => DISAGREEMENT_FLAGS.includes(f));
  if (!withheld.length) return audit;
  return {
    ...audit,
    flags: audit.flags.filter((f) => !DISAGREEMENT_FLAGS.includes(f)),
    unvalidated: { flags: withheld, failed },
  };
}

export interface AuditThresholds {
  /** below this Spearman correlation the maps are flagged as disagreeing (default 0.2) */
  minSpearman: number;
  /** energy-in-box below this (with the peak outside) counts as "elsewhere" (default 0.5) */
  energyThreshold: number;
}

export const DEFAULT_THRESHOLDS: AuditThresholds = { minSpearman: 0.2, energyThreshold: 0.5 };

function ranks(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && v[idx[j + 1]] === v[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

/** Spearman rank correlation with average ranks for ties (0 when either map is constant). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`spearman: lengths differ (${a.length} vs ${b.length})`);
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const m = (n + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i] - m) * (rb[i] - m);
    saa += (ra[i] - m) ** 2;
    sbb += (rb[i] - m) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

function topMask(a: ArrayLike<number>, fraction: number): Uint8Array {
  const k = Math.max(1, Math.round(a.length * fraction));
  const order = Array.from({ length: a.length }, (_, i) => i).sort((x, y) => a[y] - a[x]);
  const m = new Uint8Array(a.length);
  for (let i = 0; i < k; i++) m[order[i]] = 1;
  return m;
}

/** IoU of the top-`fraction` pixels of two maps. */
export function topIou(a: ArrayLike<number>, b: ArrayLike<number>, fraction = 0.2): number {
  const ma = topMask(a, fraction);
  const mb = topMask(b, fraction);
  let inter = 0;
  let uni = 0;
  for (let i = 0; i < ma.length; i++) {
    inter += ma[i] & mb[i];
    uni += ma[i] | mb[i];
  }
  return uni ? inter / uni : 0;
}

function inBox(p: number, size: number, box: Box): boolean {
  const x = ((p % size) + 0.5) / size;
  const y = (Math.floor(p / size) + 0.5) / size;
  return x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3];
}

/** The map's raw grid (cells before upsampling); the size×size map itself when absent. */
export interface MapGrid {
  raw: ArrayLike<number>;
  h: number;
  w: number;
}

export interface LocalizeOptions {
  grid?: MapGrid;
  /** pointing tolerance in box units (tolerance px / the original image's side); null: unknown */
  tolerance?: number | null;
  cap?: LocalizationCap | null;
}

export function localize(
  map: ArrayLike<number>,
  size: number,
  box: Box | null,
  o: LocalizeOptions = {},
): MapLocalization {
  let tot = 0;
  let inside = 0;
  for (let p = 0; p < map.length; p++) {
    const v = Math.max(0, map[p]);
    tot += v;
    if (box && inBox(p, size, box)) inside += v;
  }
  const g = o.grid ?? { raw: map, h: size, w: size };
  let peak = 0;
  let rawPos = false;
  for (let p = 0; p < g.raw.length; p++) {
    if (g.raw[p] > g.raw[peak]) peak = p;
    if (g.raw[p] > 0) rawPos = true;
  }
  const empty = !(tot > 0) || !rawPos;
  if (!box || empty)
    return { pointing: null, pointingTol: null, energyInBox: null, empty, cap: o.cap ?? null };
  const d = cellDistance(peak, g.h, g.w, box);
  return {
    pointing: d === 0,
    pointingTol: o.tolerance === undefined || o.tolerance === null ? null : d <= o.tolerance,
    energyInBox: inside / tot,
    empty,
    cap: o.cap ?? null,
  };
}

const elsewhere = (l: MapLocalization, t: AuditThresholds) =>
  l.pointing === false && (l.energyInBox ?? 0) < t.energyThreshold;

export function auditCase(
  gradcam: Float32Array,
  shapcam: Float32Array,
  size: number,
  box: Box | null,
  t: AuditThresholds = DEFAULT_THRESHOLDS,
  loc: { gradcam?: MapLocalization; shap?: MapLocalization } = {},
): CaseAudit {
  if (gradcam.length !== size * size || shapcam.length !== size * size)
    throw new RangeError(`audit: maps must be ${size}×${size}`);
  const g = loc.gradcam ?? localize(gradcam, size, box);
  const s = loc.shap ?? localize(shapcam, size, box);
  const bothSeen = !g.empty && !s.empty;
  const sp = bothSeen ? spearman(gradcam, shapcam) : null;
  const flags: string[] = [];
  if (g.empty) flags.push('gradcam-empty');
  if (s.empty) flags.push('shapcam-empty');
  if (g.pointing === true && elsewhere(s, t)) flags.push('gradcam-on-tumor-shap-elsewhere');
  if (s.pointing === true && elsewhere(g, t)) flags.push('shap-on-tumor-gradcam-elsewhere');
  if (sp !== null && sp < t.minSpearman) flags.push('low-agreement');
  return {
    spearman: sp,
    iouTop20: bothSeen ? topIou(gradcam, shapcam, 0.2) : null,
    hasBox: box !== null,
    gradcam: g,
    shap: s,
    flags,
  };
}

export interface AuditSummary {
  cases: number;
  withBox: number;
  flagged: number;
  /** cases whose disagreement flags were withheld (a compared method failed the sanity check) */
  unvalidated: number;
  /** maps with nothing positive (left out of every mean below) */
  emptyGradcam: number;
  emptyShapcam: number;
  /** over cases where both maps are non-empty; null when there are none */
  meanSpearman: number | null;
  meanIouTop20: number | null;
  /** over cases with a box and a non-empty map; null when there are none */
  gradcamPointing: number | null;
  shapPointing: number | null;
  gradcamEnergyInBox: number | null;
  shapEnergyInBox: number | null;
  flagCounts: Record<string, number>;
}

export function summarizeAudits(audits: CaseAudit[]): AuditSummary {
  const mean = (v: (number | null)[]) => {
    const x = v.filter((e): e is number => e !== null);
    return x.length ? x.reduce((a, b) => a + b, 0) / x.length : null;
  };
  const hit = (p: boolean | null) => (p === null ? null : p ? 1 : 0);
  const flagCounts: Record<string, number> = {};
  for (const a of audits) for (const f of a.flags) flagCounts[f] = (flagCounts[f] ?? 0) + 1;
  return {
    cases: audits.length,
    withBox: audits.filter((a) => a.hasBox).length,
    flagged: audits.filter((a) => a.flags.length > 0).length,
    unvalidated: audits.filter((a) => a.unvalidated).length,
    emptyGradcam: audits.filter((a) => a.gradcam.empty).length,
    emptyShapcam: audits.filter((a) => a.shap.empty).length,
    meanSpearman: mean(audits.map((a) => a.spearman)),
    meanIouTop20: mean(audits.map((a) => a.iouTop20)),
    gradcamPointing: mean(audits.map((a) => hit(a.gradcam.pointing))),
    shapPointing: mean(audits.map((a) => hit(a.shap.pointing))),
    gradcamEnergyInBox: mean(audits.map((a) => a.gradcam.energyInBox)),
    shapEnergyInBox: mean(audits.map((a) => a.shap.energyInBox)),
    flagCounts,
  };
}

/** One method × head row: localisation, its perfect-map cap on the same images, empty maps. */
export interface MethodSummary {
  cases: number;
  withBox: number;
  empty: number;
  emptyFraction: number | null;
  /** cases with a box and a non-empty map: what the pointing game and energy-in-box average over */
  scored: number;
  /** over the `scored` cases; null when there are none */
  pointingGame: number | null;
  pointingGameTol: number | null;
  energyInBox: number | null;
  /** a perfect map at the method's resolution on the same cases */
  cap: { pointingGame: number | null; pointingGameTol: number | null; energyInBox: number | null };
  /** mean milliseconds per image for this method (when measured) */
  msPerImage: number | null;
}

export function summarizeLocalization(locs: MapLocalization[], ms: number[] = []): MethodSummary {
  const mean = (v: (number | null | undefined)[]) => {
    const x = v.filter((e): e is number => typeof e === 'number');
    return x.length ? x.reduce((a, b) => a + b, 0) / x.length : null;
  };
  const hit = (p: boolean | null | undefined) => (p === null || p === undefined ? null : p ? 1 : 0);
  const seen = locs.filter((l) => !l.empty && l.energyInBox !== null);
  const empty = locs.filter((l) => l.empty).length;
  return {
    cases: locs.length,
    withBox: locs.filter((l) => l.cap).length,
    empty,
    emptyFraction: locs.length ? empty / locs.length : null,
    scored: seen.length,
    pointingGame: mean(seen.map((l) => hit(l.pointing))),
    pointingGameTol: mean(seen.map((l) => hit(l.pointingTol))),
    energyInBox: mean(seen.map((l) => l.energyInBox)),
    cap: {
      pointingGame: mean(seen.map((l) => hit(l.cap?.pointing))),
      pointingGameTol: mean(seen.map((l) => hit(l.cap?.pointingTol))),
      energyInBox: mean(seen.map((l) => l.cap?.energyInBox)),
    },
    msPerImage: mean(ms),
  };
}
