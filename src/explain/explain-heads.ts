/**
 * Which heads an explanation covers: the classical model (backbone → the run's baseline head, or
 * the backbone's own classifier when none was trained), the hybrid model (backbone → the head with
 * a quantum circuit) when the run has one, then every other head kind present, each under its
 * registry name (src/heads explainName). Each comes as plain arrays (for SHAP) and as a libtorch
 * module (for Grad-CAM), built once per run.
 */
import {
  baselineKind,
  hasCircuit,
  headDef,
  headKinds,
  importHead,
  linearExportOf,
  type HeadExport,
} from '../heads/index.js';
import { Linear, type HeadModule } from '../nn/index.js';
import type { OpenRun } from '../run/index.js';

/** 'classical' | 'hybrid' | 'bottleneck' | another registered head's explainName */
export type ModelName = string;

export interface ExplainHead {
  name: ModelName;
  /** the head file's kind, or 'backbone' (the backbone's own classifier) */
  source: string;
  head: HeadExport;
  module: HeadModule;
}

/** The backbone's own Linear classifier as a plain-array linear head. */
export function backboneHead(open: OpenRun): HeadExport {
  const fc = open.net.classifier;
  if (!(fc instanceof Linear)) throw new Error('the backbone classifier is not a Linear layer');
  return linearExportOf(fc);
}

/** Explanation order: the baseline first, then heads with a circuit, then the rest (registry order). */
const order = (kind: string) => headKinds().indexOf(kind);
const rank = (kind: string) => (kind === baselineKind() ? 0 : hasCircuit(kind) ? 1 : 2);

export function explainHeads(open: OpenRun): ExplainHead[] {
  const out: ExplainHead[] = [];
  const base = baselineKind();
  if (!open.heads.has(base)) {
    const head = backboneHead(open);
    out.push({ name: headDef(base).explainName, source: 'backbone', head, module: importHead(head) });
  }
  const kinds = [...open.heads.keys()].sort((a, b) => rank(a) - rank(b) || order(a) - order(b));
  for (const kind of kinds) {
    const { head } = open.heads.get(kind)!;
    out.push({ name: headDef(kind).explainName, source: kind, head, module: importHead(head) });
  }
  for (const h of out)
    if (h.head.inDim !== open.net.numFeatures)
      throw new Error(
        `${h.source} head expects ${h.head.inDim} features but the backbone gives ${open.net.numFeatures}`,
      );
  return out;
}

export function disposeHeads(heads: ExplainHead[]): void {
  for (const h of heads) h.module.dispose();
}
