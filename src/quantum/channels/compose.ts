/** Products of single-qubit Kraus operators: composeKraus(first, then) = {B_j A_i}. */
import type { Kraus2 } from './channel.js';

function mul(a: Kraus2, b: Kraus2): Kraus2 {
  const m = (ar: number, ai: number, br: number, bi: number) => [ar * br - ai * bi, ar * bi + ai * br];
  const add = (x: number[], y: number[]) => [x[0] + y[0], x[1] + y[1]];
  const e00 = add(m(a[0], a[1], b[0], b[1]), m(a[2], a[3], b[4], b[5]));
  const e01 = add(m(a[0], a[1], b[2], b[3]), m(a[2], a[3], b[6], b[7]));
  const e10 = add(m(a[4], a[5], b[0], b[1]), m(a[6], a[7], b[4], b[5]));
  const e11 = add(m(a[4], a[5], b[2], b[3]), m(a[6], a[7], b[6], b[7]));
  return [e00[0], e00[1], e01[0], e01[1], e10[0], e10[1], e11[0], e11[1]];
}

/** Kraus operators of "first A, then B": {B_j A_i}. */
export function composeKraus(first: Kraus2[], then: Kraus2[]): Kraus2[] {
  const out: Kraus2[] = [];
  for (const b of then) for (const a of first) out.push(mul(b, a));
  return out;
}
