/** The linear head: the 1,024→classes layer the source swaps out; the classical baseline. */
import { LinearHead, type HeadModule, type Linear } from '../nn/index.js';
import {
  checkLayers,
  linearRows,
  plainLinear,
  setLayers,
  softmaxInPlace,
  softmaxRows,
  splitAfter,
  type PlainLinear,
} from './plain.js';
import type { HeadDef, HeadExport } from './types.js';

export interface LinearExport extends HeadExport {
  kind: 'linear';
  fc: PlainLinear;
}

/** Any libtorch Linear layer (e.g. the backbone's own classifier) as a plain-array linear head. */
export function linearExportOf(fc: Linear): LinearExport {
  const [classes, inDim] = fc.weight.shape;
  return { kind: 'linear', classes, inDim, fc: plainLinear(fc) };
}

const LAYERS = ['fc'] as const;

export const linearHead: HeadDef<LinearExport> = {
  kind: 'linear',
  explainName: 'classical',
  baseline: true,
  create: ({ inDim, classes }) => new LinearHead(inDim, classes),
  paramCount: ({ inDim, classes }) => (inDim + 1) * classes,
  export: (m: HeadModule) => linearExportOf((m as LinearHead).fc),
  import(e) {
    const h = new LinearHead(e.inDim, e.classes);
    setLayers(h, e, LAYERS);
    return h;
  },
  validate: (e, source) => checkLayers(e, LAYERS, source),
  probs: (e, x, B) => softmaxRows(linearRows(e.fc, x, B), e.classes),
  split: (e) => splitAfter(e, e.fc, e.classes, (pre) => softmaxInPlace(Float64Array.from(pre), e.classes)),
};
