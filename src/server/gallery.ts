/**
 * The run's test cases for the gallery: labels and source files from RUN/features/test.safetensors,
 * each head's prediction (plain-array heads, no libtorch), and audit flags from
 * RUN/explain/audit.json when the explain stage has run ({flagged: [{file, flags}], cases: [{file,
 * flagged, flags, …}]}; any array of objects with a file and flags is read). Every file is optional; the gallery is
 * empty, or has no flags, when they are absent. Source images are found only through this list
 * (by index), never from a path sent by a client.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { headProbs } from '../heads/index.js';
import { loadFeatures, runPaths, type OpenRun } from '../run/index.js';

export interface GalleryItem {
  index: number;
  file: string;
  label: number;
  /** predicted class per head kind (and 'backbone' is not included: its features are the input) */
  predicted: Record<string, number>;
  misclassified: boolean;
  flagged: boolean;
  flagReason: string | null;
  hasImage: boolean;
}

export interface Gallery {
  items: GalleryItem[];
  /** absolute source path per index (server side only, never sent) */
  sources: (string | null)[];
  notes: string[];
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Per-file audit flags from any reasonable audit layout: an array of case objects with a file name. */
export function auditFlags(raw: unknown): Map<string, string> {
  const flags = new Map<string, string>();
  const visit = (v: unknown, depth: number) => {
    if (depth > 3 || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const c of v) {
        if (!c || typeof c !== 'object') continue;
        const o = c as Record<string, unknown>;
        const file = [o.file, o.source, o.path].find((f) => typeof f === 'string') as string | undefined;
        if (!file) continue;
        const reasons: string[] = [];
        if (Array.isArray(o.flags) && o.flags.length) reasons.push(...o.flags.map(String));
        else if (o.flagged === true) reasons.push('flagged');
        if (o.agree === false || o.agreement === false) reasons.push('Grad-CAM and SHAP disagree');
        if (reasons.length)
          flags.set(file, [...new Set([...(flags.get(file)?.split('; ') ?? []), ...reasons])].join('; '));
      }
      return;
    }
    for (const x of Object.values(v)) visit(x, depth + 1);
  };
  visit(raw, 0);
  return flags;
}

export function buildGallery(open: OpenRun): Gallery {
  const p = runPaths(open.dir);
  const notes: string[] = [];
  const testPath = p.features('test');
  if (!existsSync(testPath)) {
    notes.push('no test features in this run (RUN/features/test.safetensors): the gallery is empty');
    return { items: [], sources: [], notes };
  }
  const f = loadFeatures(testPath);
  const predicted: Record<string, Int32Array> = {};
  for (const [kind, { head }] of open.heads) {
    if (head.inDim !== f.dim) {
      notes.push(`head '${kind}' expects ${head.inDim} features, the test features have ${f.dim}`);
      continue;
    }
    const probs = headProbs(head, f.x);
    const C = head.classes;
    predicted[kind] = Int32Array.from({ length: f.y.length }, (_, i) => {
      let best = 0;
      for (let c = 1; c < C; c++) if (probs[i * C + c] > probs[i * C + best]) best = c;
      return best;
    });
  }
  const manifest = readJson(p.manifest) as { root?: unknown } | undefined;
  const root = typeof manifest?.root === 'string' ? resolve(open.dir, manifest.root) : open.dir;
  const audit = existsSync(p.explainAudit) ? auditFlags(readJson(p.explainAudit)) : new Map<string, string>();
  if (!audit.size) notes.push('no audit flags (RUN/explain/audit.json absent or without flagged cases)');
  const sources: (string | null)[] = [];
  const items = f.files.map((file, i): GalleryItem => {
    const src = /^#\d+$/.test(file) ? null : isAbsolute(file) ? file : join(root, file);
    sources.push(src && existsSync(src) ? src : null);
    const pred: Record<string, number> = {};
    for (const k of Object.keys(predicted)) pred[k] = predicted[k][i];
    const reason = audit.get(file) ?? audit.get(basename(file)) ?? null;
    return {
      index: i,
      file: basename(file),
      label: f.y[i],
      predicted: pred,
      misclassified: Object.values(pred).some((c) => c !== f.y[i]),
      flagged: reason !== null,
      flagReason: reason,
      hasImage: sources[i] !== null,
    };
  });
  return { items, sources, notes };
}
