/**
 * The break-even noise level of a sweep with its interval (issue 17, item 6): per test case, 1 when
 * the prediction is right (the noiseless hybrid, the hybrid at each swept level, the classical
 * reference), resampled by test group (the manifest's groups) with src/eval breakEvenInterval and
 * this folder's crossing rule (breakEven). An upper end beyond the swept levels is null: "not reached".
 */
import { breakEvenInterval, type BreakEvenInterval } from '../eval/index.js';
import { breakEven } from './break-even.js';

const correct = (labels: ArrayLike<number>, pred: ArrayLike<number>) =>
  Float64Array.from({ length: labels.length }, (_, i) => (pred[i] === labels[i] ? 1 : 0));

export function accuracyBreakEvenInterval(
  o: {
    labels: ArrayLike<number>;
    groups: readonly string[];
    levels: readonly number[];
    noiseless: ArrayLike<number>;
    atLevel: readonly ArrayLike<number>[];
    reference: ArrayLike<number>;
  },
  opts: { resamples?: number; seed?: number },
): BreakEvenInterval {
  return breakEvenInterval(
    {
      levels: o.levels,
      groups: o.groups,
      noiseless: correct(o.labels, o.noiseless),
      atLevel: o.atLevel.map((p) => correct(o.labels, p)),
      reference: correct(o.labels, o.reference),
    },
    breakEven,
    opts,
  );
}
