/** Partition SHAP (partition-shap.ts): Owen values over a grid hierarchy of the image, blur masker. */
import { cellsToImage, partitionShap } from '../partition-shap.js';
import { normalize01 } from '../cam-base.js';
import { spatialExplainer, type SpatialShapContext } from './types.js';

/** The target class's Owen values over the grid, as a map (cells upsampled to the image). */
function partitionMap(ctx: SpatialShapContext) {
  const S = ctx.size;
  const r = partitionShap(ctx.probs, ctx.input, S, {
    grid: ctx.options.partitionGrid,
    maxEvals: ctx.options.partitionEvals,
  });
  const g = r.grid;
  const c = ctx.targetClass;
  const raw = Float64Array.from(r.phi.subarray(c * g * g, (c + 1) * g * g), (v) => Math.max(0, v));
  return {
    method: 'partition',
    map: normalize01(Float32Array.from(cellsToImage(r.phi, g, S, c))),
    raw,
    h: g,
    w: g,
    detail: { grid: g, additivityError: r.additivityError, evaluations: r.evaluations },
  };
}

export const partitionShapExplainer = spatialExplainer(
  {
    name: 'partition',
    label: 'Partition SHAP',
    description: 'Owen values of image regions (grid hierarchy, blurred masking)',
    options: ['partitionGrid', 'partitionEvals'],
  },
  false,
  partitionMap,
);
