/**
 * Which heads an explanation covers: the classical model (backbone → the run's linear head, or the
 * backbone's own classifier when no linear head was trained), the hybrid model (backbone → quantum
 * head) when the run has one, and the bottleneck head when present. Each comes as plain arrays (for
 * SHAP) and as a libtorch module (for Grad-CAM), built once per run.
 */
import { Linear, type HeadModule } from '../nn/index.js';
import { importHead, type HeadExport, type OpenRun } from '../train/run-folder.js';

export type ModelName = 'classical' | 'hybrid' | 'bottleneck';

export interface ExplainHead {
  name: ModelName;
  /** 'linear' | 'bottleneck' | 'quantum' | 'backbone' (the backbone's own classifier) */
  source: string;
  head: HeadExport;
  module: HeadModule;
}

/** The backbone's own Linear classifier as a plain-array linear head. */
export function backboneHead(open: OpenRun): HeadExport {
  const fc = open.net.classifier;
  if (!(fc instanceof Linear)) throw new Error('the backbone classifier is not a Linear layer');
  const [outDim, inDim] = fc.weight.shape;
  return {
    kind: 'linear',
    classes: outDim,
    inDim,
    fc: {
      inDim,
      outDim,
      weight: Array.from(fc.weight.toFloat32Array()),
      bias: Array.from(fc.bias!.toFloat32Array()),
    },
  };
}

export function explainHeads(open: OpenRun): ExplainHead[] {
  const out: ExplainHead[] = [];
  const lin = open.heads.get('linear');
  const classical = lin ? lin.head : backboneHead(open);
  out.push({
    name: 'classical',
    source: lin ? 'linear' : 'backbone',
    head: classical,
    module: importHead(classical),
  });
  const q = open.heads.get('quantum');
  if (q) out.push({ name: 'hybrid', source: 'quantum', head: q.head, module: importHead(q.head) });
  const b = open.heads.get('bottleneck');
  if (b) out.push({ name: 'bottleneck', source: 'bottleneck', head: b.head, module: importHead(b.head) });
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
