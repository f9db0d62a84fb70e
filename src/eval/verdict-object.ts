/**
 * The structured verdict of one comparison and the sentence made from it (and nothing else).
 * Numbers are in points (metric × 100), oriented so that a positive difference means the head is
 * better (for ECE: the reference's ECE minus the head's). The label is read off the interval
 * against the equivalence margin, two one-sided tests at the interval's level: better ⇒ lo > 0;
 * worse ⇒ hi < 0; equivalent ⇒ −margin < lo and hi < margin; otherwise inconclusive. One seed on
 * one fold gives no interval and is always inconclusive.
 */
import { holm } from './holm.js';

export type VerdictLabel = 'better' | 'worse' | 'equivalent' | 'inconclusive';

export interface Verdict {
  label: VerdictLabel;
  head: string;
  reference: string;
  /** metric name (accuracy, balancedAccuracy, macroF1, ece) */
  metric: string;
  /** head − reference in points (reference − head for lower-is-better metrics) */
  diff: number;
  /** interval of diff at `level` (points), null with one seed or one test group on one fold */
  ci: [number, number] | null;
  level: number;
  /** equivalence margin (points) */
  margin: number;
  /** the comparison's one p-value (two-sided) */
  p: number;
  /** Holm-adjusted over the run's family of comparisons; null until holmFamily has been applied */
  pHolm: number | null;
  /**
   * hierarchical-bootstrap: interval and bootstrap-test p over (folds ×) groups × seeds;
   * nadeau-bengio: corrected t over folds; grouped-permutation: one seed or one test group on one fold, p only
   */
  method: 'hierarchical-bootstrap' | 'nadeau-bengio' | 'grouped-permutation';
  /** what was resampled: folds, groups (over all folds), seeds, resamples (bootstrap) or permutations */
  n: { folds: number; groups: number; seeds: number; resamples: number; permutations: number };
}

export function verdictLabel(ci: readonly [number, number] | null, margin: number): VerdictLabel {
  if (!ci) return 'inconclusive';
  const [lo, hi] = ci;
  if (lo > 0) return 'better';
  if (hi < 0) return 'worse';
  if (-margin < lo && hi < margin) return 'equivalent';
  return 'inconclusive';
}

const METRIC_WORDS: Record<string, string> = {
  accuracy: 'accuracy',
  balancedAccuracy: 'balanced-accuracy',
  macroF1: 'macro-F1',
  ece: 'calibration (ECE)',
};

const signed = (v: number) => (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(1);
// a bound that rounds to zero keeps a second decimal, so its side of zero stays visible
const bound = (v: number) => {
  const t = Math.abs(v).toFixed(Math.abs(v) < 0.05 && v !== 0 ? 2 : 1);
  return v < 0 ? `−${t}` : t;
};
const pv = (p: number) => (p < 0.001 ? '< 0.001' : `= ${p.toPrecision(2)}`);

/** "quantum head +0.4 balanced-accuracy points vs linear head, 95% CI [−1.1, 1.9] …: inconclusive". */
export function verdictSentence(v: Verdict): string {
  const what = `${v.head} ${signed(v.diff)} ${METRIC_WORDS[v.metric] ?? v.metric} points vs ${v.reference}`;
  const over =
    v.method === 'nadeau-bengio'
      ? `${v.n.folds} folds × ${v.n.seeds} seeds, Nadeau–Bengio corrected t`
      : `${v.n.folds > 1 ? `${v.n.folds} folds × ` : ''}${v.n.groups} test groups × ${v.n.seeds} seeds, hierarchical bootstrap`;
  const interval = v.ci
    ? `${Math.round(v.level * 100)}% CI [${bound(v.ci[0])}, ${bound(v.ci[1])}] (${over})`
    : `no interval (${v.n.seeds === 1 || v.n.folds > 1 ? 'one seed' : 'one test group'}${v.n.folds > 1 ? '' : ', one fold'})`;
  const test = {
    'nadeau-bengio': 'corrected t-test',
    'hierarchical-bootstrap': 'bootstrap test',
    'grouped-permutation': 'grouped permutation',
  }[v.method];
  const holm = v.pHolm === null ? '' : `, Holm-adjusted p ${pv(v.pHolm)}`;
  return `${what}, ${interval}, margin ±${v.margin.toFixed(1)}, ${test} p ${pv(v.p)}${holm}: ${v.label}`;
}

/** The family's verdicts with pHolm filled in (Holm over every p of the family, in order). */
export function holmFamily(verdicts: readonly Verdict[]): Verdict[] {
  const adj = holm(verdicts.map((v) => v.p));
  return verdicts.map((v, i) => ({ ...v, pHolm: adj[i] }));
}

/** The methods sentence of a verdict: what was resampled, how, and how many times (from the object alone). */
export function verdictMethods(v: Verdict): string {
  const lvl = `${Math.round(v.level * 100)}%`;
  const folds = v.n.folds > 1 ? `${v.n.folds} folds, then ` : '';
  if (v.method === 'nadeau-bengio')
    return `Nadeau–Bengio corrected resampled t-test over ${v.n.folds} folds (each fold's difference the mean over ${v.n.seeds} head seeds on that fold's test set), ${lvl} interval with ${v.n.folds - 1} degrees of freedom.`;
  if (v.method === 'grouped-permutation')
    return `${v.n.seeds === 1 ? 'One seed' : 'One test group'} on one fold: no interval; grouped permutation test swapping the two heads on whole test groups (${v.n.groups} groups, ${v.n.permutations} permutations${v.n.permutations === 2 ** v.n.groups ? ', exact' : ''}).`;
  return `Hierarchical bootstrap, ${v.n.resamples} resamples of ${folds}${v.n.groups} test groups and ${v.n.seeds} head seeds, both heads on each resample; variance corrected for the crossed groups × seeds design and for few groups or seeds (unbiased components); ${lvl} percentile interval widened to Student's t with Welch–Satterthwaite degrees of freedom (seed level on seeds − 1, group level on groups − 1), and two-sided bootstrap test.`;
}
