/**
 * Holm's step-down adjustment of a family of p-values (family-wise error control, no independence
 * assumption): sort ascending, multiply the i-th smallest by (m − i), carry the running maximum,
 * cap at 1. Adjusted values come back in the input order.
 */

export function holm(ps: readonly number[]): number[] {
  const m = ps.length;
  for (const [i, p] of ps.entries())
    if (!(p >= 0 && p <= 1)) throw new RangeError(`holm: p-value ${i} is not in [0, 1] (${p})`);
  const order = ps.map((_, i) => i).sort((a, b) => ps[a] - ps[b]);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * ps[idx]));
    out[idx] = running;
  });
  return out;
}
