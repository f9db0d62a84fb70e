/** Dataset audit: images per split and class from RUN/data/manifest.json, and RUN/data/audit.json. */
import type { ReportContext } from '../context.js';
import { esc, failed, fmt, notRun, table, type Section } from '../html.js';
import { isObj, readJson } from '../read.js';

interface ManifestLike {
  root?: string;
  classes?: string[];
  entries?: { className?: string; label?: number; split?: string; group?: string; box?: unknown }[];
  split?: Record<string, unknown>;
}

const ID = 'audit';
const TITLE = 'Dataset audit';

/** Scalars and one level of nested scalars of an audit object, as rows. */
function flatten(v: Record<string, unknown>, prefix = '', depth = 0): [string, string][] {
  const rows: [string, string][] = [];
  for (const [k, x] of Object.entries(v)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObj(x) && depth < 1) rows.push(...flatten(x, key, depth + 1));
    else if (Array.isArray(x)) rows.push([key, x.length <= 8 ? fmt(x) : `${x.length} items`]);
    else rows.push([key, fmt(x)]);
  }
  return rows;
}

const counts = (v: unknown) =>
  isObj(v)
    ? Object.entries(v)
        .slice(0, 4)
        .map(([k, n]) => `${esc(k)}: ${fmt(n)}`)
        .join(', ')
    : '—';

/** RUN/data/audit.json (src/data DatasetAudit): shortcut warning first, per-class profile, issues, the rest. */
function auditDetails(path: string, v: Record<string, unknown>): string {
  let html = `<h3>Audit (${esc(path)})</h3>`;
  const sc = isObj(v.shortcut) ? v.shortcut : null;
  if (sc && sc.warning === true)
    html += `<p class="failed"><strong>shortcut risk</strong>: ${esc(sc.message ?? '')} (class predicted from image size, channels and format alone: accuracy ${fmt(sc.metadataAccuracy)} against a majority-class baseline of ${fmt(sc.baseline)}).</p>`;
  else if (sc) html += `<p>Shortcut check: ${esc(sc.message ?? 'no warning')}.</p>`;
  if (isObj(v.perClass))
    html += table(
      ['class', 'images', 'with box', 'sizes (top 4)', 'channels', 'formats'],
      Object.entries(v.perClass)
        .filter(([, p]) => isObj(p))
        .map(([c, p]) => {
          const q = p as Record<string, unknown>;
          return [
            esc(c),
            fmt(q.count),
            fmt(q.withBox),
            counts(q.sizes),
            counts(q.channels),
            counts(q.formats),
          ];
        }),
    );
  if (Array.isArray(v.unreadable)) {
    html += `<p>Unreadable or unusable files: ${v.unreadable.length}.</p>`;
    const rows = v.unreadable
      .filter(isObj)
      .slice(0, 20)
      .map((u) => [esc(u.file), esc(u.problem)]);
    if (rows.length) html += table(['file', 'problem'], rows);
  }
  const shown = new Set(['shortcut', 'perClass', 'unreadable', 'counts', 'splitCounts', 'classes', 'root']);
  const rest = flatten(Object.fromEntries(Object.entries(v).filter(([k]) => !shown.has(k)))).filter(
    ([, x]) => x.length < 200,
  );
  if (rest.length)
    html += table(
      ['item', 'value'],
      rest.map(([k, x]) => [esc(k), x]),
    );
  return html;
}

export async function auditSection(ctx: ReportContext): Promise<Section> {
  const m = readJson<ManifestLike>(ctx.paths.manifest);
  if (m.state === 'absent') return notRun(ID, TITLE, ctx.paths.manifest, 'data (prepareData)');
  if (m.state === 'error') return failed(ID, TITLE, ctx.paths.manifest, m.error);
  const man = m.value;
  if (!Array.isArray(man.entries) || !Array.isArray(man.classes))
    return failed(ID, TITLE, ctx.paths.manifest, new Error("no 'entries' / 'classes' arrays"));
  const splits = ['train', 'val', 'test'];
  const counts = new Map<string, number>();
  const groups = new Map<string, Set<string>>();
  let boxes = 0;
  for (const e of man.entries) {
    const cls = e.className ?? man.classes[e.label ?? -1] ?? '?';
    const key = `${e.split}|${cls}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (!groups.has(e.split ?? '?')) groups.set(e.split ?? '?', new Set());
    groups.get(e.split ?? '?')!.add(String(e.group));
    if (e.box) boxes++;
  }
  const rows = man.classes.map((c) => [
    esc(c),
    ...splits.map((s) => fmt(counts.get(`${s}|${c}`) ?? 0)),
    fmt(splits.reduce((a, s) => a + (counts.get(`${s}|${c}`) ?? 0), 0)),
  ]);
  rows.push([
    '<strong>all</strong>',
    ...splits.map((s) => fmt(man.classes!.reduce((a, c) => a + (counts.get(`${s}|${c}`) ?? 0), 0))),
    fmt(man.entries.length),
  ]);
  const seen = new Map<string, Set<string>>();
  for (const e of man.entries) {
    const g = String(e.group);
    if (!seen.has(g)) seen.set(g, new Set());
    seen.get(g)!.add(String(e.split));
  }
  const leak = [...seen.values()].filter((s) => s.size > 1).length;
  let html = `<p>${fmt(man.entries.length)} images in ${man.classes.length} classes from <code>${esc(man.root ?? '?')}</code>; ${fmt(boxes)} with a tumor box; groups (patients / volumes) per split: ${splits
    .map((s) => `${s} ${groups.get(s)?.size ?? 0}`)
    .join(
      ', ',
    )}; ${leak ? `<strong class="flag">${leak} group(s) appear in more than one split (patient leakage)</strong>` : 'no group appears in two splits'}.</p>`;
  html += table(['class', ...splits, 'total'], rows);
  const bars = [...counts.entries()].map(([k, n]) => {
    const [split, cls] = k.split('|');
    return { split, class: cls, images: n };
  });
  html += await ctx.chart(
    'dataset_counts',
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 320,
      height: 180,
      data: { values: bars },
      mark: 'bar',
      encoding: {
        x: { field: 'class', type: 'nominal', sort: man.classes, title: null },
        y: { field: 'images', type: 'quantitative', stack: 'zero' },
        color: { field: 'split', type: 'nominal', sort: splits },
      },
    },
    'Images per class, stacked by split.',
  );
  if (man.split && isObj(man.split))
    html += `<h3>Split settings</h3>${table(
      ['setting', 'value'],
      Object.entries(man.split).map(([k, v]) => [esc(k), fmt(v)]),
    )}`;
  const a = readJson<Record<string, unknown>>(ctx.paths.audit);
  if (a.state === 'ok' && isObj(a.value)) html += auditDetails(ctx.paths.audit, a.value);
  else if (a.state === 'error')
    html += `<p class="failed">${esc(ctx.paths.audit)}: ${esc(a.error.message)}</p>`;
  else html += `<p class="notrun"><strong>not run</strong>: ${esc(ctx.paths.audit)} is absent.</p>`;
  return { id: ID, title: TITLE, html };
}
