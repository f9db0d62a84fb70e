/**
 * RUN/heads/<kind>-seed<k>.json: trained heads as plain JSON (src/heads HeadExport), so they run
 * without libtorch (SHAP, the noise study, the web viewer) and rebuild into libtorch modules.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { headKinds, validateHeadExport, type HeadExport } from '../heads/index.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { readJsonFile } from '../util/json-file.js';
import { runPaths } from './paths.js';

export function saveHead(path: string, e: HeadExport): void {
  writeJsonAtomic(path, e);
}

export function loadHead(path: string): HeadExport {
  if (!existsSync(path)) throw new Error(`${path}: head file not found`);
  return validateHeadExport(readJsonFile(path), path);
}

export interface HeadFile {
  kind: string;
  seed: number;
  path: string;
}

/** Every head file of a registered kind in RUN/heads, sorted by kind then seed. */
export function listHeads(run: string): HeadFile[] {
  const dir = runPaths(run).headsDir;
  if (!existsSync(dir)) return [];
  const kinds = new Set(headKinds());
  const out: HeadFile[] = [];
  for (const f of readdirSync(dir)) {
    const m = /^([a-z][a-z0-9]*)-seed(\d+)\.json$/.exec(f);
    if (m && kinds.has(m[1])) out.push({ kind: m[1], seed: Number(m[2]), path: join(dir, f) });
  }
  return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.seed - b.seed);
}

/**
 * The seed of each head kind that viewer, explain, predict and the noise study use: the
 * representative seed the comparison chose (RUN/heads/representative.json: never a collapsed one),
 * else the lowest seed. Null when the kind has no head.
 */
export function shownHead(run: string, kind: string): HeadFile | null {
  const all = listHeads(run).filter((h) => h.kind === kind);
  if (all.length === 0) return null;
  const file = runPaths(run).representative;
  if (existsSync(file)) {
    const rep = readJsonFile(file);
    const seed = rep && typeof rep === 'object' ? (rep as Record<string, unknown>)[kind] : undefined;
    const hit = all.find((h) => h.seed === seed);
    if (hit) return hit;
  }
  return all[0];
}
