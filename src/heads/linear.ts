/** The linear head: the 1,024→classes layer the source swaps out; the classical baseline. */
import { LinearHead, type HeadModule, type Linear } from '../nn/index.js';
import {
  checkPlain,
  linearRows,
  plainLinear,
  setLinear,
  softmaxInPlace,
  softmaxRows,
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

export const linearHead: HeadDef<LinearExport> = {
  kind: 'linear',
  explainName: 'classical',
  baseline: true,
  create: ({ inDim, classes }) => new LinearHead(inDim, classes),
  paramCount: ({ inDim, classes }) => (inDim + 1) * classes,
  export: (m: HeadModule) => linearExportOf((m as LinearHead).fc),
  import(e) {
    const h = new LinearHead(e.inDim, e.classes);
    setLinear(h.fc, e.fc);
    return h;
  },
  validate: (e, source) => checkPlain('fc', e.fc, source),
  probs: (e, x, B) => softmaxRows(linearRows(e.fc, x, B), e.classes),
  split: (e) => ({
    kind: e.kind,
    inDim: e.inDim,
    width: e.classes,
    classes: e.classes,
    W: Float64Array.from(e.fc.weight),
    b: Float64Array.from(e.fc.bias),
    rest: (pre) => softmaxInPlace(Float64Array.from(pre), e.classes),
  }),
};
