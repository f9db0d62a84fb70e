/**
 * Dataset audit: counts per class, image sizes / channel counts / formats per class, unreadable
 * files, near-duplicates (within and across splits), and the shortcut check: can the class be told
 * from metadata alone (size, channels, file format)? If so, a model may learn the source instead of
 * the tumor, and the audit says so.
 */
import { DEFAULT_DUPLICATE_DISTANCE, nearDuplicatePairs } from './hash.js';
import type { FileFacts } from './examine.js';
import type { DataIssue, SplitName } from './types.js';

export interface ClassProfile {
  count: number;
  sizes: Record<string, number>;
  channels: Record<string, number>;
  formats: Record<string, number>;
  withBox: number;
}

export interface ShortcutFinding {
  feature: 'size' | 'channels' | 'format' | 'size+channels+format';
  className: string;
  /** share of that class identified by values seen (almost) only in it */
  recall: number;
  precision: number;
  values: string[];
}

export interface DatasetAudit {
  root: string;
  layout: string;
  classes: string[];
  total: number;
  counts: Record<string, number>;
  perClass: Record<string, ClassProfile>;
  unreadable: DataIssue[];
  emptyClasses: string[];
  nearDuplicates: {
    maxDistance: number;
    pairs: number;
    crossSplit: number;
    removed: number;
    examples: { a: string; b: string; distance: number; splits?: [SplitName, SplitName] }[];
  };
  shortcut: {
    warning: boolean;
    message: string;
    /** accuracy of predicting the class from size+channels+format (majority per value) vs the majority-class baseline */
    metadataAccuracy: number;
    baseline: number;
    findings: ShortcutFinding[];
  };
  splitCounts?: Record<SplitName, Record<string, number>>;
}

const featureOf: Record<ShortcutFinding['feature'], (f: FileFacts) => string> = {
  size: (f) => `${f.width}x${f.height}`,
  channels: (f) => String(f.channels),
  format: (f) => f.format,
  'size+channels+format': (f) => `${f.width}x${f.height}/${f.channels}/${f.format}`,
};

function bump(r: Record<string, number>, k: string) {
  r[k] = (r[k] ?? 0) + 1;
}

function topK(r: Record<string, number>, k: number): Record<string, number> {
  const e = Object.entries(r).sort((a, b) => b[1] - a[1]);
  const out = Object.fromEntries(e.slice(0, k));
  if (e.length > k) out[`(${e.length - k} other values)`] = e.slice(k).reduce((s, [, v]) => s + v, 0);
  return out;
}

export function shortcutCheck(
  ok: readonly FileFacts[],
  classes: readonly string[],
): DatasetAudit['shortcut'] {
  const n = ok.length;
  const classCount = new Map<string, number>();
  for (const f of ok) classCount.set(f.className, (classCount.get(f.className) ?? 0) + 1);
  const baseline = n ? Math.max(0, ...classCount.values()) / n : 0;
  const findings: ShortcutFinding[] = [];
  let metadataAccuracy = 0;
  for (const feature of Object.keys(featureOf) as ShortcutFinding['feature'][]) {
    const byValue = new Map<string, Map<string, number>>();
    for (const f of ok) {
      const v = featureOf[feature](f);
      if (!byValue.has(v)) byValue.set(v, new Map());
      const m = byValue.get(v)!;
      m.set(f.className, (m.get(f.className) ?? 0) + 1);
    }
    if (feature === 'size+channels+format') {
      let correct = 0;
      for (const m of byValue.values()) correct += Math.max(...m.values());
      metadataAccuracy = n ? correct / n : 0;
    }
    for (const c of classes) {
      const total = classCount.get(c) ?? 0;
      if (!total) continue;
      let hit = 0,
        claimed = 0;
      const values: string[] = [];
      for (const [v, m] of byValue) {
        const all = [...m.values()].reduce((a, b) => a + b, 0);
        const mine = m.get(c) ?? 0;
        if (mine / all >= 0.98) {
          hit += mine;
          claimed += all;
          values.push(v);
        }
      }
      const recall = hit / total;
      // a value shared by many images of one class only is a shortcut; unique sizes of single images
      // are not, unless nearly the whole class is told apart by its values
      const fewValues = values.length <= Math.max(3, total / 20);
      if ((recall >= 0.5 && fewValues) || (recall >= 0.9 && feature !== 'size+channels+format'))
        findings.push({
          feature,
          className: c,
          recall,
          precision: claimed ? hit / claimed : 0,
          values: values.slice(0, 5),
        });
    }
  }
  const strong = findings.filter((f) => f.feature !== 'size+channels+format');
  const warning = strong.length > 0 || metadataAccuracy - baseline >= 0.25;
  const parts = strong.map(
    (f) =>
      `${f.className} from ${f.feature} (${(f.recall * 100).toFixed(0)}% of it by value${f.values.length > 1 ? 's' : ''} ${f.values.slice(0, 3).join(', ')}${f.values.length > 3 ? ', …' : ''})`,
  );
  const message = warning
    ? `SHORTCUT WARNING: the class can be predicted from metadata alone (accuracy ${(metadataAccuracy * 100).toFixed(1)}% from size+channels+format vs ${(baseline * 100).toFixed(1)}% majority baseline)${parts.length ? ': ' + parts.join('; ') : ''}. Preprocess to remove it (grayscale, square pad, fixed size, normalisation) and check the explanations.`
    : `no metadata shortcut found (size+channels+format predicts the class with ${(metadataAccuracy * 100).toFixed(1)}% vs ${(baseline * 100).toFixed(1)}% baseline)`;
  return { warning, message, metadataAccuracy, baseline, findings };
}

export function buildAudit(
  root: string,
  layout: string,
  classes: readonly string[],
  facts: readonly FileFacts[],
  issues: readonly DataIssue[],
  emptyClasses: readonly string[],
  opts: { maxDistance?: number; splits?: readonly (SplitName | null)[]; removed?: number } = {},
): DatasetAudit {
  const maxDistance = opts.maxDistance ?? DEFAULT_DUPLICATE_DISTANCE;
  const ok = facts.filter((f) => f.ok);
  const counts: Record<string, number> = {};
  const perClass: Record<string, ClassProfile> = {};
  for (const c of classes) {
    counts[c] = 0;
    perClass[c] = { count: 0, sizes: {}, channels: {}, formats: {}, withBox: 0 };
  }
  for (const f of ok) {
    const p = perClass[f.className];
    if (!p) continue;
    counts[f.className]++;
    p.count++;
    bump(p.sizes, `${f.width}x${f.height}`);
    bump(p.channels, String(f.channels));
    bump(p.formats, f.format);
    if (f.box) p.withBox++;
  }
  for (const p of Object.values(perClass)) p.sizes = topK(p.sizes, 8);
  const hashes = facts.map((f) => (f.ok ? f.dhash : null));
  const pairs = nearDuplicatePairs(hashes, maxDistance);
  const splits = opts.splits;
  const cross = splits ? pairs.filter(([i, j]) => splits[i] && splits[j] && splits[i] !== splits[j]) : [];
  const shown = (splits ? cross : pairs).slice(0, 50);
  const audit: DatasetAudit = {
    root,
    layout,
    classes: [...classes],
    total: ok.length,
    counts,
    perClass,
    unreadable: [
      ...issues,
      ...facts.filter((f) => !f.ok).map((f) => ({ file: f.file, problem: f.problem ?? 'unreadable' })),
    ],
    emptyClasses: [...emptyClasses],
    nearDuplicates: {
      maxDistance,
      pairs: pairs.length,
      crossSplit: cross.length,
      removed: opts.removed ?? 0,
      examples: shown.map(([i, j, d]) => ({
        a: facts[i].file,
        b: facts[j].file,
        distance: d,
        ...(splits ? { splits: [splits[i]!, splits[j]!] as [SplitName, SplitName] } : {}),
      })),
    },
    shortcut: shortcutCheck(ok, classes),
  };
  if (splits) {
    const sc = { train: {}, val: {}, test: {} } as Record<SplitName, Record<string, number>>;
    facts.forEach((f, i) => {
      const s = splits[i];
      if (f.ok && s) bump(sc[s], f.className);
    });
    audit.splitCounts = sc;
  }
  return audit;
}

/** Human-readable audit summary (for `qmri data inspect` without --json). */
/** What happened to near-duplicates across splits, for the audit's text. */
function duplicatePolicy(crossSplit: number, removed: number): string {
  if (removed > 0) return ' (removeDuplicates, on by default: the val/test copy is dropped)';
  if (crossSplit > 0) return ' (kept: removeDuplicates is false; the test score may be optimistic)';
  return '';
}

export function formatAudit(a: DatasetAudit): string {
  const lines: string[] = [];
  lines.push(
    `dataset ${a.root} (layout ${a.layout}): ${a.total} readable images in ${a.classes.length} classes`,
  );
  for (const c of a.classes) {
    const p = a.perClass[c];
    const sizes = Object.entries(p.sizes)
      .slice(0, 3)
      .map(([k, v]) => `${k}:${v}`)
      .join(' ');
    const ch = Object.entries(p.channels)
      .map(([k, v]) => `${k}ch:${v}`)
      .join(' ');
    const fm = Object.entries(p.formats)
      .map(([k, v]) => `${k}:${v}`)
      .join(' ');
    lines.push(
      `  ${c.padEnd(14)} ${String(p.count).padStart(6)}  boxes ${p.withBox}  sizes ${sizes}  ${ch}  ${fm}`,
    );
  }
  if (a.splitCounts)
    for (const [s, r] of Object.entries(a.splitCounts))
      lines.push(`  split ${s.padEnd(5)} ${a.classes.map((c) => `${c}:${r[c] ?? 0}`).join(' ')}`);
  lines.push(`unreadable or unusable: ${a.unreadable.length}`);
  for (const u of a.unreadable.slice(0, 20)) lines.push(`  ${u.file}: ${u.problem}`);
  if (a.unreadable.length > 20) lines.push(`  … ${a.unreadable.length - 20} more (see --json)`);
  const nd = a.nearDuplicates;
  lines.push(
    `near-duplicates (dHash distance ≤ ${nd.maxDistance}): ${nd.pairs} pairs${a.splitCounts ? `, ${nd.crossSplit} across splits, ${nd.removed} removed${duplicatePolicy(nd.crossSplit, nd.removed)}` : ''}`,
  );
  for (const e of nd.examples.slice(0, 5))
    lines.push(`  ${e.a} ~ ${e.b} (${e.distance})${e.splits ? ` [${e.splits.join('/')}]` : ''}`);
  lines.push(a.shortcut.message);
  return lines.join('\n');
}
