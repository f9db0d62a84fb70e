/**
 * Every evaluated setting of a study as one flat row (results.json `points`, RUN/noise/points.csv):
 * section, setting, level, shots, mitigation, the scores with their 95% CIs and the ⟨Z⟩ error.
 */
import type { Interval } from '../eval/index.js';
import type { PointScore } from './scoring.js';

export type Mitigation = 'none' | 'readout' | 'zne-linear' | 'zne-richardson' | 'readout+zne-richardson';

export interface Point {
  section: 'reference' | 'noiseless' | 'sweep' | 'profile' | 'aware';
  /** head kind for references, channel for sweeps, profile name for profiles, 'before'/'after' for aware */
  setting: string;
  level: number | null;
  shots: number | null;
  mitigation: Mitigation;
  accuracy: number;
  accuracyLo: number;
  accuracyHi: number;
  macroF1: number;
  macroF1Lo: number;
  macroF1Hi: number;
  /** mean |⟨Z⟩ − ⟨Z⟩ noiseless| over samples and wires (the circuit-level error; null for references) */
  zError: number | null;
}

const r6 = (v: number) => Number(v.toFixed(6));
const iv = (i: Interval) => [r6(i.estimate), r6(i.lo), r6(i.hi)];

export function makePoint(
  section: Point['section'],
  setting: string,
  s: PointScore,
  o: { level?: number | null; shots?: number | null; mitigation?: Mitigation; zError?: number } = {},
): Point {
  const [accuracy, accuracyLo, accuracyHi] = iv(s.accuracy);
  const [macroF1, macroF1Lo, macroF1Hi] = iv(s.macroF1);
  return {
    section,
    setting,
    level: o.level ?? null,
    shots: o.shots ?? null,
    mitigation: o.mitigation ?? 'none',
    accuracy,
    accuracyLo,
    accuracyHi,
    macroF1,
    macroF1Lo,
    macroF1Hi,
    zError: o.zError === undefined ? null : r6(o.zError),
  };
}

const COLUMNS: (keyof Point)[] = [
  'section',
  'setting',
  'level',
  'shots',
  'mitigation',
  'accuracy',
  'accuracyLo',
  'accuracyHi',
  'macroF1',
  'macroF1Lo',
  'macroF1Hi',
  'zError',
];

const cell = (v: unknown) => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV with a header row; empty cells for null (exact shots, no level). */
export function pointsCsv(points: readonly Point[]): string {
  const lines = [COLUMNS.join(',')];
  for (const p of points) lines.push(COLUMNS.map((c) => cell(p[c])).join(','));
  return lines.join('\n') + '\n';
}
