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
import { additivityError } from './shap-result.js';

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

/** The options with their defaults, checked. */
function settings(x: Float32Array, size: number, o: PartitionOptions) {
  const g = o.grid ?? 8;
  const maxEvals = o.maxEvals ?? 300;
  const batchSize = o.batchSize ?? 16;
  if (!Number.isInteger(g) || g < 1 || g > size)
    throw new RangeError(`partition SHAP: grid must be 1..${size}, got ${g}`);
  if (!Number.isInteger(maxEvals) || maxEvals < 2)
    throw new RangeError(`partition SHAP: maxEvals must be ≥ 2, got ${maxEvals}`);
  if (x.length !== 3 * size * size)
    throw new RangeError(`image input has ${x.length} values, expected 3×${size}×${size}`);
  return { g, maxEvals, batchSize };
}

/** Cell masks → the model's outputs on the masked images (cells off: blurred), in batches, counted. */
class MaskedImages {
  evaluations = 0;
  private readonly blurred: Float32Array;
  private readonly cell: Int32Array;
  private readonly per: number;
  constructor(
    private readonly model: ImageModel,
    private readonly x: Float32Array,
    size: number,
    g: number,
    private readonly batchSize: number,
    blurRadius?: number,
  ) {
    this.per = 3 * size * size;
    this.blurred = blurImage(x, size, blurRadius);
    this.cell = gridCells(size, g);
  }
  run(masks: Uint8Array[]): Float64Array[] {
    const { per, batchSize } = this;
    const out: Float64Array[] = [];
    for (let b0 = 0; b0 < masks.length; b0 += batchSize) {
      const B = Math.min(batchSize, masks.length - b0);
      const imgs = new Float32Array(B * per);
      for (let b = 0; b < B; b++)
        composeMasked(this.x, this.blurred, this.cell, masks[b0 + b], imgs, b * per);
      const y = this.model(imgs, B);
      const O = y.length / B;
      for (let b = 0; b < B; b++) out.push(y.slice(b * O, (b + 1) * O));
    }
    this.evaluations += masks.length;
    return out;
  }
}

const diff = (a: Float64Array, b: Float64Array) => a.map((v, k) => v - b[k]);
const maxAbs = (v: Float64Array) => v.reduce((m, a) => Math.max(m, Math.abs(a)), 0);

/** The credit of the nodes (accumulated, in the order nodes first receive it). */
class Credit {
  private readonly byNode = new Map<Node, Float64Array>();
  constructor(private readonly O: number) {}
  /** a task's whole effect f(on) − f(off), weighted, to its node */
  add(t: Task): void {
    const v = diff(t.f11, t.f00);
    let c = this.byNode.get(t.node);
    if (!c) this.byNode.set(t.node, (c = new Float64Array(this.O)));
    for (let k = 0; k < this.O; k++) c[k] += t.weight * v[k];
  }
  /** every node's credit spread over its cells by size: outputs×L */
  spread(L: number): Float64Array {
    const { O } = this;
    const phi = new Float64Array(O * L);
    for (const [node, c] of this.byNode)
      for (const cellIdx of node.cells)
        for (let k = 0; k < O; k++) phi[k * L + cellIdx] += c[k] / node.cells.length;
    return phi;
  }
}

interface Expansion {
  t: Task;
  m10: Uint8Array;
  m01: Uint8Array;
}

/**
 * Takes the next tasks off the (sorted) queue, at most batchSize / 2 and two evaluations each within
 * `budget`: a leaf's effect goes to its credit, an internal node gets its two half-on masks.
 */
function takeBatch(queue: Task[], credit: Credit, batchSize: number, budget: number): Expansion[] {
  const batch: Expansion[] = [];
  while (queue.length && batch.length < batchSize / 2 && 2 * (batch.length + 1) <= budget) {
    const t = queue.shift()!;
    if (!t.node.left || !t.node.right) {
      credit.add(t);
      continue;
    }
    const m10 = Uint8Array.from(t.m00);
    for (const c of t.node.left.cells) m10[c] = 1;
    const m01 = Uint8Array.from(t.m00);
    for (const c of t.node.right.cells) m01[c] = 1;
    batch.push({ t, m10, m01 });
  }
  return batch;
}

/** The four child tasks of every expanded node (each child with its sibling off, then on), half weight. */
function childTasks(batch: Expansion[], fs: Float64Array[]): Task[] {
  const out: Task[] = [];
  batch.forEach(({ t, m10, m01 }, i) => {
    const f10 = fs[2 * i];
    const f01 = fs[2 * i + 1];
    const w = t.weight / 2;
    const { left, right } = t.node as { left: Node; right: Node };
    const push = (m00: Uint8Array, a: Float64Array, b: Float64Array, node: Node) =>
      out.push({ m00, f00: a, f11: b, node, weight: w, priority: maxAbs(diff(b, a)) * w });
    push(t.m00, t.f00, f10, left);
    push(t.m00, t.f00, f01, right);
    push(m01, f01, t.f11, left);
    push(m10, f10, t.f11, right);
  });
  return out;
}

export function partitionShap(
  model: ImageModel,
  x: Float32Array,
  size: number,
  o: PartitionOptions = {},
): PartitionResult {
  const { g, maxEvals, batchSize } = settings(x, size, o);
  const L = g * g;
  const images = new MaskedImages(model, x, size, g, batchSize, o.blurRadius);
  const off = new Uint8Array(L);
  const [f0, f1] = images.run([off, new Uint8Array(L).fill(1)]);
  const O = f0.length;
  const credit = new Credit(O);
  let queue: Task[] = [
    { m00: off, f00: f0, f11: f1, node: buildTree(0, g, 0, g, g), weight: 1, priority: 0 },
  ];
  while (queue.length) {
    if (images.evaluations >= maxEvals) {
      for (const t of queue) credit.add(t);
      break;
    }
    queue.sort((a, b) => b.priority - a.priority);
    const batch = takeBatch(queue, credit, batchSize, maxEvals - images.evaluations);
    if (!batch.length) {
      if (queue.length && images.evaluations + 2 > maxEvals) {
        for (const t of queue) credit.add(t);
        queue = [];
      }
      continue;
    }
    queue.push(...childTasks(batch, images.run(batch.flatMap((b) => [b.m10, b.m01]))));
  }
  const phi = credit.spread(L);
  const additivity = additivityError(phi, f0, f1);
  return {
    grid: g,
    outputs: O,
    phi,
    base: f0,
    fx: f1,
    additivityError: additivity,
    evaluations: images.evaluations,
  };
}

/** One output's Owen values as an S×S map (each pixel carries its cell's value). */
export function cellsToImage(phi: Float64Array, grid: number, size: number, output: number): Float64Array {
  const L = grid * grid;
  const cell = gridCells(size, grid);
  return Float64Array.from(cell, (c) => phi[output * L + c]);
}
