/**
 * Collapse detection for trained heads (a pure function of what training and evaluation logged):
 * a head has collapsed when (a) its outputs are (nearly) the same for every case — every class's
 * probability varies by less than `constantTolerance` (sd over cases), as tanh saturation gives;
 * (b) it predicts one class for at least `constantShare` of the cases while the truth's largest
 * class is smaller than that; (c) its training loss did not fall: last ≥ `lossRatio` × first; or
 * (d) its validation accuracy lies far below its siblings' (the other seeds of the same head kind):
 * below median − max(`minGap`, `madFactor` × 1.4826 × MAD). Every rule that fires is named.
 */

export interface HeadSignals {
  /** validation accuracy of the kept epoch */
  valAccuracy?: number;
  /** training loss per epoch */
  trainLoss?: readonly number[];
  /** class probabilities on evaluated cases (N×classes, row-major) */
  probs?: ArrayLike<number>;
  /** predicted class of every evaluated case (argmax of probs when absent) */
  pred?: ArrayLike<number>;
  /** true class of the evaluated cases (for rule b) */
  labels?: ArrayLike<number>;
  classes: number;
}

export interface CollapseOptions {
  constantTolerance?: number;
  constantShare?: number;
  lossRatio?: number;
  minGap?: number;
  madFactor?: number;
}

export interface CollapseResult {
  collapsed: boolean;
  reasons: string[];
}

const median = (v: readonly number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function constantOutputs(probs: ArrayLike<number>, C: number, tol: number): boolean {
  const n = probs.length / C;
  if (n < 2) return false;
  for (let c = 0; c < C; c++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = probs[i * C + c];
      s += v;
      s2 += v * v;
    }
    const variance = Math.max(0, s2 / n - (s / n) ** 2);
    if (Math.sqrt(variance) >= tol) return false;
  }
  return true;
}

function largestShare(values: ArrayLike<number>, C: number): number {
  const count = new Array<number>(C).fill(0);
  for (let i = 0; i < values.length; i++) count[values[i]]++;
  return Math.max(...count) / Math.max(1, values.length);
}

function argmaxAll(probs: ArrayLike<number>, C: number): Int32Array {
  return Int32Array.from({ length: probs.length / C }, (_, i) => {
    let best = 0;
    for (let c = 1; c < C; c++) if (probs[i * C + c] > probs[i * C + best]) best = c;
    return best;
  });
}

/** Whether one head collapsed; `siblingsValAccuracy` are the other seeds' validation accuracies. */
export function detectCollapse(
  head: HeadSignals,
  siblingsValAccuracy: readonly number[] = [],
  opts: CollapseOptions = {},
): CollapseResult {
  const C = head.classes;
  const reasons: string[] = [];
  if (head.probs && constantOutputs(head.probs, C, opts.constantTolerance ?? 1e-3))
    reasons.push('constant outputs: the same class probabilities for every case');
  const pred = head.pred ?? (head.probs ? argmaxAll(head.probs, C) : undefined);
  if (pred && pred.length > 1) {
    const share = largestShare(pred, C);
    const limit = opts.constantShare ?? 0.99;
    const truth = head.labels ? largestShare(head.labels, C) : 0;
    if (share >= limit && truth < limit)
      reasons.push(`constant predictions: one class for ${(100 * share).toFixed(1)}% of the cases`);
  }
  const loss = head.trainLoss;
  if (loss && loss.length >= 2 && Number.isFinite(loss[0])) {
    const ratio = opts.lossRatio ?? 0.95;
    const last = loss[loss.length - 1];
    if (!Number.isFinite(last) || last >= ratio * loss[0])
      reasons.push(`training loss did not fall (${loss[0].toPrecision(3)} → ${last.toPrecision(3)})`);
  }
  if (head.valAccuracy !== undefined && siblingsValAccuracy.length >= 2) {
    const med = median(siblingsValAccuracy);
    const mad = median(siblingsValAccuracy.map((v) => Math.abs(v - med)));
    const gap = Math.max(opts.minGap ?? 0.1, (opts.madFactor ?? 5) * 1.4826 * mad);
    if (head.valAccuracy < med - gap)
      reasons.push(
        `validation accuracy ${(100 * head.valAccuracy).toFixed(1)}% far below the siblings' median ${(100 * med).toFixed(1)}%`,
      );
  }
  return { collapsed: reasons.length > 0, reasons };
}

/** detectCollapse for every seed of one head kind, each against the others as siblings. */
export function detectCollapses(seeds: readonly HeadSignals[], opts: CollapseOptions = {}): CollapseResult[] {
  return seeds.map((h, i) =>
    detectCollapse(
      h,
      seeds.filter((s, j) => j !== i && s.valAccuracy !== undefined).map((s) => s.valAccuracy!),
      opts,
    ),
  );
}

/**
 * The representative seed of a head kind: among the seeds that did not collapse, the one whose score
 * is closest to their median (ties: the earlier seed); null when every seed collapsed.
 */
export function representativeSeed(
  seeds: readonly { seed: number; score: number; collapsed: boolean }[],
): number | null {
  const ok = seeds.filter((s) => !s.collapsed);
  if (ok.length === 0) return null;
  const med = median(ok.map((s) => s.score));
  let best = ok[0];
  for (const s of ok) if (Math.abs(s.score - med) < Math.abs(best.score - med)) best = s;
  return best.seed;
}
