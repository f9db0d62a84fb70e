/** A whole trained run opened for use: the backbone plus one head per kind (explain, predict, serve). */
import { existsSync } from 'node:fs';
import type { DenseNet } from '../nn/index.js';
import type { HeadExport, HeadKind } from '../heads/index.js';
import { readJsonFile } from '../util/json-file.js';
import { loadBackbone, type BackboneArch } from './backbone-files.js';
import { listHeads, loadHead, shownHead } from './head-files.js';
import { runPaths } from './paths.js';

export interface OpenRun {
  dir: string;
  arch: BackboneArch;
  /** backbone with its own linear classifier, eval mode (dispose() when done) */
  net: DenseNet;
  /** one exported head per kind present in RUN/heads (its representative seed, shownHead), keyed by kind */
  heads: Map<HeadKind, { seed: number; head: HeadExport }>;
  /**
   * the run's test-time augmentation views by name (runTta): explain, the viewer and predict score
   * each head on the pooled features averaged over them, as its training features were; [] when off
   */
  tta: string[];
}

/** The run's test-time augmentation views (RUN/config.json backbone.tta); undefined when off or absent. */
export function runTta(run: string): string[] | undefined {
  const path = runPaths(run).config;
  if (!existsSync(path)) return undefined;
  const cfg = readJsonFile(path) as { backbone?: { tta?: unknown } } | null;
  const tta = cfg?.backbone?.tta;
  if (tta === undefined) return undefined;
  if (!Array.isArray(tta) || !tta.every((v) => typeof v === 'string'))
    throw new TypeError(`${path}: backbone.tta must be a list of view names, got ${JSON.stringify(tta)}`);
  return tta as string[];
}

/** Loads the backbone and the representative head of each kind (the ones explain / predict / serve use). */
export function openRun(run: string): OpenRun {
  const { net, arch } = loadBackbone(run);
  const heads = new Map<HeadKind, { seed: number; head: HeadExport }>();
  for (const kind of new Set(listHeads(run).map((h) => h.kind))) {
    const h = shownHead(run, kind)!;
    heads.set(kind, { seed: h.seed, head: loadHead(h.path) });
  }
  return { dir: run, arch, net, heads, tta: runTta(run) ?? [] };
}
