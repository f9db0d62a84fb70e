/**
 * Partition SHAP (Owen values) over a grid hierarchy with a blur masker, following `shap`'s
 * PartitionExplainer: the image's g×g grid cells are split recursively in two along the longer side
 * of their rectangle (a balanced binary hierarchy); each internal node is evaluated with its left
 * and right halves switched on in the current context, and both children are recursed into with
 * half the weight, once with the sibling off and once with it on. Nodes are expanded in order of
 * their effect until the evaluation budget is spent; the credit of an unexpanded node is spread over
 * its cells by size. Every split conserves f(on) − f(off), so Σφ = f(x) − f(fully blurred) exactly
 * at any budget; with budget ≥ g⁴ the result is the exact Owen value. Masked images go through the
 * model in batches.
 */
import { blurImage, composeMasked, gridCells } from './blur-masker.js';

/** images (B×3×S×S) → outputs B×O (e.g. class probabilities of one or more heads) */
export type ImageModel = (images: Float32Array, B: number) => Float64Array;

export interface PartitionOptions {
  /** grid cells per side (default 8) */
  grid?: number;
  /** model evaluations (masked images) allowed, default 300 */
  maxEvals?: number;
  batchSize?: number;
  /** blur radius in pixels (default size/8) */
  blurRadius?: number;
}

export interface PartitionResult {
  grid: number;
  outputs: number;
  /** Owen values, outputs×(grid·grid), cell index = row·grid + col */
  phi: Float64Array;
  /** f(fully blurred) and f(x), per output */
  base: Float64Array;
  fx: Float64Array;
  additivityError: number;
  evaluations: number;
}

interface Node {
  cells: number[];
  left: Node | null;
  right: Node | null;
}

function buildTree(r0: number, r1: number, c0: number, c1: number, g: number): Node {
  const cells: number[] = [];
  for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) cells.push(r * g + c);
  if (cells.length === 1) return { cells, left: null, right: null };
  if (r1 - r0 >= c1 - c0) {
    const m = (r0 + r1) >> 1;
    return { cells, left: buildTree(r0, m, c0, c1, g), right: buildTree(m, r1, c0, c1, g) };
  }
  const m = (c0 + c1) >> 1;
  return { cells, left: buildTree(r0, r1, c0, m, g), right: buildTree(r0, r1, m, c1, g) };
}

interface Task {
  m00: Uint8Array;
  f00: Float64Array;
  f11: Float64Array;
  node: Node;
  weight: number;
  priority: number;
}

export function partitionShap(
  model: ImageModel,
  x: Float32Array,
  size: number,
  o: PartitionOptions = {},
): PartitionResult {
  const g = o.grid ?? 8;
  const maxEvals = o.maxEvals ?? 300;
  const batchSize = o.batchSize ?? 16;
  if (!Number.isInteger(g) || g < 1 || g > size)
    throw new RangeError(`partition SHAP: grid must be 1..${size}, got ${g}`);
  if (!Number.isInteger(maxEvals) || maxEvals < 2)
    throw new RangeError(`partition SHAP: maxEvals must be ≥ 2, got ${maxEvals}`);
  if (x.length !== 3 * size * size)
    throw new RangeError(`image input has ${x.length} values, expected 3×${size}×${size}`);
  const L = g * g;
  const per = 3 * size * size;
  const blurred = blurImage(x, size, o.blurRadius);
  const cell = gridCells(size, g);
  let evaluations = 0;
  const evalMasks = (masks: Uint8Array[]): Float64Array[] => {
    const out: Float64Array[] = [];
    for (let b0 = 0; b0 < masks.length; b0 += batchSize) {
      const B = Math.min(batchSize, masks.length - b0);
      const imgs = new Float32Array(B * per);
      for (let b = 0; b < B; b++) composeMasked(x, blurred, cell, masks[b0 + b], imgs, b * per);
      const y = model(imgs, B);
      const O = y.length / B;
      for (let b = 0; b < B; b++) out.push(y.slice(b * O, (b + 1) * O));
    }
    evaluations += masks.length;
    return out;
  };
  const off = new Uint8Array(L);
  const on = new Uint8Array(L).fill(1);
  const [f0, f1] = evalMasks([off, on]);
  const O = f0.length;
  const root = buildTree(0, g, 0, g, g);
  // credit per node (accumulated), keyed by node
  const credit = new Map<Node, Float64Array>();
  const addCredit = (n: Node, v: Float64Array, w: number) => {
    let c = credit.get(n);
    if (!c) credit.set(n, (c = new Float64Array(O)));
    for (let k = 0; k < O; k++) c[k] += w * v[k];
  };
  const diff = (a: Float64Array, b: Float64Array) => a.map((v, k) => v - b[k]);
  const maxAbs = (v: Float64Array) => v.reduce((m, a) => Math.max(m, Math.abs(a)), 0);
  let queue: Task[] = [{ m00: off, f00: f0, f11: f1, node: root, weight: 1, priority: 0 }];
  while (queue.length) {
    if (evaluations >= maxEvals) {
      for (const t of queue) addCredit(t.node, diff(t.f11, t.f00), t.weight);
      break;
    }
    queue.sort((a, b) => b.priority - a.priority);
    const batch: { t: Task; m10: Uint8Array; m01: Uint8Array }[] = [];
    while (queue.length && batch.length < batchSize / 2 && evaluations + 2 * (batch.length + 1) <= maxEvals) {
      const t = queue.shift()!;
      if (!t.node.left || !t.node.right) {
        addCredit(t.node, diff(t.f11, t.f00), t.weight);
        continue;
      }
      const m10 = Uint8Array.from(t.m00);
      for (const c of t.node.left.cells) m10[c] = 1;
      const m01 = Uint8Array.from(t.m00);
      for (const c of t.node.right.cells) m01[c] = 1;
      batch.push({ t, m10, m01 });
    }
    if (!batch.length) {
      if (queue.length && evaluations + 2 > maxEvals) {
        for (const t of queue) addCredit(t.node, diff(t.f11, t.f00), t.weight);
        queue = [];
      }
      continue;
    }
    const fs = evalMasks(batch.flatMap((b) => [b.m10, b.m01]));
    batch.forEach(({ t, m10, m01 }, i) => {
      const f10 = fs[2 * i];
      const f01 = fs[2 * i + 1];
      const w = t.weight / 2;
      const { left, right } = t.node as { left: Node; right: Node };
      const push = (m00: Uint8Array, a: Float64Array, b: Float64Array, node: Node) =>
        queue.push({ m00, f00: a, f11: b, node, weight: w, priority: maxAbs(diff(b, a)) * w });
      push(t.m00, t.f00, f10, left);
      push(t.m00, t.f00, f01, right);
      push(m01, f01, t.f11, left);
      push(m10, f10, t.f11, right);
    });
  }
  // spread every node's credit over its cells by size
  const phi = new Float64Array(O * L);
  for (const [node, c] of credit)
    for (const cellIdx of node.cells)
      for (let k = 0; k < O; k++) phi[k * L + cellIdx] += c[k] / node.cells.length;
  let err = 0;
  for (let k = 0; k < O; k++) {
    let s = 0;
    for (let i = 0; i < L; i++) s += phi[k * L + i];
    err = Math.max(err, Math.abs(s - (f1[k] - f0[k])));
  }
  return { grid: g, outputs: O, phi, base: f0, fx: f1, additivityError: err, evaluations };
}

/** One output's Owen values as an S×S map (each pixel carries its cell's value). */
export function cellsToImage(phi: Float64Array, grid: number, size: number, output: number): Float64Array {
  const L = grid * grid;
  const cell = gridCells(size, grid);
  return Float64Array.from(cell, (c) => phi[output * L + c]);
}
