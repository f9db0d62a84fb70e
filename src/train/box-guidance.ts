/**
 * Box-guided backbone training ("right for the right reasons", issue #18): on training images with
 * a tumor box, a penalty on the share of the true class's class activation map that lies outside the
 * box. The map is Zhou et al.'s CAM, ReLU(Σ_k W_ck·A_k) on the final feature map A (after norm5 +
 * ReLU) with W the linear classifier's weight: for global average pooling + a linear classifier it
 * is Grad-CAM up to a positive factor, and it needs only a first-order backward (the engine has no
 * double backward). Per image: P = ReLU(CAM − mean CAM), the cells above the map's own mean, and the
 * penalty (Σ P·(1 − M) + ε) / (Σ P + ε), M the box mask average-pooled to the feature map's cells
 * (each cell's fraction inside the box). Centring makes the penalty blind to an offset of the map,
 * and ε on both sides makes a map with nothing above its mean cost 1 (as one all outside). The first
 * version, Σ ReLU(CAM)·(1 − M) / (Σ ReLU(CAM) + ε), cost 0 for an all-negative map; at λ = 1 on the
 * real set the model learnt exactly that, and Grad-CAM came out empty on 450 of 631 test images
 * (BENCHMARKS.md, issue #18). Owns the mask rasterisation, the penalty, the guided forward of one
 * training batch, and the evaluation of the same share.
 */
import { Tensor, adaptiveAvgPool2d, noGrad, tidy } from '../engine/index.js';
import type { Box } from '../data/index.js';
import { Linear, type Module } from '../nn/index.js';

/** keeps the share finite where nothing is above the mean (a flat map: then the penalty is 1) */
const EPS = 1e-6;

/** The settings (src/config backbone.boxGuidance). */
export interface BoxGuidanceOptions {
  /** λ: loss = CE + λ · mean penalty over the batch's images with a box */
  weight: number;
  /** pixels of the preprocessed image the box grows by on every side */
  margin: number;
}

/** A model whose final feature map and linear classifier give the CAM (DenseNet). */
export interface CamModel extends Module {
  forwardAll(x: Tensor): { featureMap: Tensor; logits: Tensor };
  classifier: Module;
}

/**
 * Writes the 0/1 mask of `box` (grown by `margin` px) into `out` (size×size): a pixel is inside when
 * its centre is, as in the explain audit's energy-in-box.
 */
export function rasterizeBox(out: Float32Array, box: Box, size: number, margin = 0): void {
  const g = margin / size;
  const [x0, y0, x1, y1] = [box[0] - g, box[1] - g, box[2] + g, box[3] + g];
  for (let yy = 0; yy < size; yy++) {
    const y = (yy + 0.5) / size;
    for (let xx = 0; xx < size; xx++) {
      const x = (xx + 0.5) / size;
      out[yy * size + xx] = x >= x0 && x <= x1 && y >= y0 && y <= y1 ? 1 : 0;
    }
  }
}

/**
 * Per image (N): the share of its class CAM's mass above the map's mean that lies outside its mask.
 * featureMap N×K×h×w, weight C×K (the classifier's), labels int64 N (the class whose CAM is taken),
 * masks N×1×H×W in [0, 1] at any resolution (average-pooled to h×w). → 0 when that mass is inside,
 * 1 when it is outside or when there is none (a flat map).
 */
export function boxPenalty(featureMap: Tensor, weight: Tensor, labels: Tensor, masks: Tensor): Tensor {
  const [n, k, h, w] = featureMap.shape;
  if (masks.shape.length !== 4 || masks.shape[0] !== n || masks.shape[1] !== 1)
    throw new RangeError(`boxPenalty: masks must be ${n}×1×H×W, got [${masks.shape.join(', ')}]`);
  const wy = weight.indexSelect(0, labels).reshape([n, k, 1, 1]);
  const cam = featureMap.mul(wy).sum([1]);
  const above = cam.sub(cam.mean([1, 2], true)).relu();
  const cells = masks.shape[2] === h && masks.shape[3] === w ? masks : adaptiveAvgPool2d(masks, [h, w]);
  const outside = above.mul(cells.reshape([n, h, w]).neg().add(1)).sum([1, 2]);
  return outside.add(EPS).div(above.sum([1, 2]).add(EPS));
}

/** One training batch's box guidance: the masks buffer the augmentation moves, and the guided forward. */
export interface BatchGuide {
  /** λ */
  weight: number;
  /** batchSize×S×S mask planes (full image size) of the current batch */
  masks: Float32Array;
  /** fills the masks of the batch's images (dataset rows); returns the batch positions with a box */
  fill(rows: ArrayLike<number>): number[];
  /** logits and the mean penalty over the `boxed` positions (null when none has a box) */
  forward(x: Tensor, labels: Tensor, boxed: number[]): { logits: Tensor; penalty: Tensor | null };
}

export function batchGuide(
  model: Module,
  boxes: readonly (Box | null)[] | undefined,
  size: number,
  batchSize: number,
  o: BoxGuidanceOptions,
): BatchGuide {
  const net = model as CamModel;
  if (typeof net.forwardAll !== 'function' || !(net.classifier instanceof Linear))
    throw new Error('box guidance needs a DenseNet with its linear classifier (the CAM is W·A)');
  if (!boxes) throw new Error('box guidance needs the training images’ boxes (none were given)');
  const per = size * size;
  const masks = new Float32Array(batchSize * per);
  const fc = net.classifier;
  return {
    weight: o.weight,
    masks,
    fill(rows) {
      const boxed: number[] = [];
      for (let i = 0; i < rows.length; i++) {
        const box = boxes[rows[i]];
        const plane = masks.subarray(i * per, (i + 1) * per);
        if (box) {
          rasterizeBox(plane, box, size, o.margin);
          boxed.push(i);
        } else plane.fill(0);
      }
      return boxed;
    },
    forward(x, labels, boxed) {
      const r = net.forwardAll(x);
      if (!boxed.length) return { logits: r.logits, penalty: null };
      const m = x.shape[0];
      const idx = Tensor.int64(boxed, [boxed.length]);
      const mk = Tensor.from(masks.subarray(0, m * per), [m, 1, size, size]).indexSelect(0, idx);
      const pen = boxPenalty(r.featureMap.indexSelect(0, idx), fc.weight, labels.indexSelect(0, idx), mk);
      return { logits: r.logits, penalty: pen.mean() };
    },
  };
}

/** Images with their labels and boxes (an ArraySet with boxes). */
export interface BoxedImages {
  x: Float32Array;
  y: Int32Array;
  shape: number[];
  boxes?: readonly (Box | null)[];
}

/**
 * The mean share of the true class's CAM outside the box (margin 0) over the images with a box, in
 * eval mode without gradients: what the penalty lowers. null when no image has a box.
 */
export function outsideBoxShare(net: CamModel, set: BoxedImages, batchSize = 32): number | null {
  if (!(net.classifier instanceof Linear)) throw new Error('outsideBoxShare: the classifier is not linear');
  const fc = net.classifier;
  const rows = (set.boxes ?? []).flatMap((b, i) => (b ? [i] : []));
  if (!rows.length) return null;
  const size = set.shape[set.shape.length - 1];
  const d = set.shape.reduce((a, b) => a * b, 1);
  const per = size * size;
  const wasTraining = net.training;
  net.eval();
  let sum = 0;
  for (let s = 0; s < rows.length; s += batchSize) {
    const part = rows.slice(s, s + batchSize);
    const x = new Float32Array(part.length * d);
    const masks = new Float32Array(part.length * per);
    part.forEach((r, i) => {
      x.set(set.x.subarray(r * d, (r + 1) * d), i * d);
      rasterizeBox(masks.subarray(i * per, (i + 1) * per), set.boxes![r]!, size);
    });
    sum += tidy(() =>
      noGrad(() => {
        const f = net.forwardAll(Tensor.from(x, [part.length, ...set.shape])).featureMap;
        const y = Tensor.int64(
          part.map((r) => set.y[r]),
          [part.length],
        );
        return boxPenalty(f, fc.weight, y, Tensor.from(masks, [part.length, 1, size, size]))
          .sum()
          .item();
      }),
    );
  }
  net.train(wasTraining);
  return sum / rows.length;
}
