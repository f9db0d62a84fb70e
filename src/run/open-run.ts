/** A whole trained run opened for use: the backbone plus one head per kind (explain, predict, serve). */
import type { DenseNet } from '../nn/index.js';
import type { HeadExport, HeadKind } from '../heads/index.js';
import { loadBackbone, type BackboneArch } from './backbone-files.js';
import { listHeads, loadHead, shownHead } from './head-files.js';

export interface OpenRun {
  dir: string;
  arch: BackboneArch;
  /** backbone with its own linear classifier, eval mode (dispose() when done) */
  net: DenseNet;
  /** one exported head per kind present in RUN/heads (its representative seed, shownHead), keyed by kind */
  heads: Map<HeadKind, { seed: number; head: HeadExport }>;
}

/** Loads the backbone and the representative head of each kind (the ones explain / predict / serve use). */
export function openRun(run: string): OpenRun {
  const { net, arch } = loadBackbone(run);
  const heads = new Map<HeadKind, { seed: number; head: HeadExport }>();
  for (const kind of new Set(listHeads(run).map((h) => h.kind))) {
    const h = shownHead(run, kind)!;
    heads.set(kind, { seed: h.seed, head: loadHead(h.path) });
  }
  return { dir: run, arch, net, heads };
}
