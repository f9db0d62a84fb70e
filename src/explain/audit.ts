/**
 * The per-image audit of two spatial explanations (Grad-CAM and SHAP-CAM, same size): Spearman rank
 * correlation and top-20% IoU between them; for each map, the pointing game (peak inside the tumor
 * box) and the fraction of its positive energy inside the box (null — n/a, not zero — when the image
 * has no box); and the flags: Grad-CAM points at the tumor while SHAP's mass lies elsewhere, or the
 * reverse, and low agreement. A map "lies elsewhere" when its peak misses the box and less than
 * `energyThreshold` of its energy is inside it.
 */
import type { Box } from '../data/index.js';

export interface MapLocalization {
  /** peak inside the box; null when there is no box */
  pointing: boolean | null;
  /** positive energy inside the box / total; null when there is no box */
  energyInBox: number | null;
}

export interface CaseAudit {
  spearman: number;
  iouTop20: number;
  gradcam: MapLocalization;
  shap: MapLocalization;
  flags: string[];
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

export function localize(map: ArrayLike<number>, size: number, box: Box | null): MapLocalization {
  if (!box) return { pointing: null, energyInBox: null };
  let peak = 0;
  let tot = 0;
  let inside = 0;
  for (let p = 0; p < map.length; p++) {
    if (map[p] > map[peak]) peak = p;
    const v = Math.max(0, map[p]);
    tot += v;
    if (inBox(p, size, box)) inside += v;
  }
  return { pointing: tot > 0 ? inBox(peak, size, box) : false, energyInBox: tot > 0 ? inside / tot : 0 };
}

const elsewhere = (l: MapLocalization, t: AuditThresholds) =>
  l.pointing === false && (l.energyInBox ?? 0) < t.energyThreshold;

export function auditCase(
  gradcam: Float32Array,
  shapcam: Float32Array,
  size: number,
  box: Box | null,
  t: AuditThresholds = DEFAULT_THRESHOLDS,
): CaseAudit {
  if (gradcam.length !== size * size || shapcam.length !== size * size)
    throw new RangeError(`audit: maps must be ${size}×${size}`);
  const g = localize(gradcam, size, box);
  const s = localize(shapcam, size, box);
  const sp = spearman(gradcam, shapcam);
  const flags: string[] = [];
  if (g.pointing === true && elsewhere(s, t)) flags.push('gradcam-on-tumor-shap-elsewhere');
  if (s.pointing === true && elsewhere(g, t)) flags.push('shap-on-tumor-gradcam-elsewhere');
  if (sp < t.minSpearman) flags.push('low-agreement');
  return { spearman: sp, iouTop20: topIou(gradcam, shapcam, 0.2), gradcam: g, shap: s, flags };
}

export interface AuditSummary {
  cases: number;
  withBox: number;
  flagged: number;
  meanSpearman: number;
  meanIouTop20: number;
  /** over cases with a box; null when none has one */
  gradcamPointing: number | null;
  shapPointing: number | null;
  gradcamEnergyInBox: number | null;
  shapEnergyInBox: number | null;
  flagCounts: Record<string, number>;
}

export function summarizeAudits(audits: CaseAudit[]): AuditSummary {
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);
  const boxed = audits.filter((a) => a.gradcam.pointing !== null);
  const flagCounts: Record<string, number> = {};
  for (const a of audits) for (const f of a.flags) flagCounts[f] = (flagCounts[f] ?? 0) + 1;
  return {
    cases: audits.length,
    withBox: boxed.length,
    flagged: audits.filter((a) => a.flags.length > 0).length,
    meanSpearman: mean(audits.map((a) => a.spearman)) ?? 0,
    meanIouTop20: mean(audits.map((a) => a.iouTop20)) ?? 0,
    gradcamPointing: mean(boxed.map((a) => (a.gradcam.pointing ? 1 : 0))),
    shapPointing: mean(boxed.map((a) => (a.shap.pointing ? 1 : 0))),
    gradcamEnergyInBox: mean(boxed.map((a) => a.gradcam.energyInBox!)),
    shapEnergyInBox: mean(boxed.map((a) => a.shap.energyInBox!)),
    flagCounts,
  };
}
