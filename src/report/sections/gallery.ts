/**
 * Grad-CAM / SHAP gallery from RUN/explain/audit.json: the per method × model localisation table
 * (pointing game exact and with tolerance, energy-in-box, each beside the cap a perfect map at that
 * resolution reaches; the fraction of empty maps), then one card per case, flagged cases (the two
 * methods disagree, or the heat map misses the tumor) first; PNGs from RUN/explain are inlined
 * (the overlays carry the tumor box).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { METHODS } from '../../explain/index.js';
import type { ReportContext } from '../context.js';
import { dataUri, esc, failed, fmt, notRun, table, type Section } from '../html.js';
import { isNum, isObj, readJson } from '../read.js';

const ID = 'explain';
const TITLE = 'Grad-CAM / SHAP audit';
const MAX_IMAGE_BYTES = 4 * 1024 * 1024;

type Row = Record<string, unknown>;

function isFlagged(c: Row): boolean {
  if (typeof c.flagged === 'boolean') return c.flagged;
  if (Array.isArray(c.flags)) return c.flags.length > 0;
  if (typeof c.agree === 'boolean') return !c.agree;
  if (typeof c.agreement === 'boolean') return !c.agreement;
  return false;
}

/** The overlays of a case: the Grad-CAM and SHAP-CAM maps first (at most `max`), from its `images` map. */
function imagesOf(c: Row, dir: string, max = 4): { label: string; path: string }[] {
  const out: { label: string; path: string }[] = [];
  const visit = (v: unknown, label: string) => {
    if (typeof v === 'string' && /\.png$/i.test(v)) {
      const p = isAbsolute(v) ? v : existsSync(join(dir, v)) ? join(dir, v) : join(dir, 'cases', v);
      if (existsSync(p) && statSync(p).size <= MAX_IMAGE_BYTES) out.push({ label, path: p });
    } else if (isObj(v)) for (const [k, x] of Object.entries(v)) visit(x, k);
  };
  visit(isObj(c.images) ? c.images : c, '');
  // Grad-CAM, then SHAP-CAM, then the other methods in registry order; classical and hybrid first
  const kind = (l: string) => {
    const m = l.slice(l.indexOf('-') + 1);
    return m === 'gradcam' ? 0 : m === 'shapcam' ? 1 : METHODS.includes(m) ? 2 + METHODS.indexOf(m) : 99;
  };
  const rank = (l: string) =>
    (l.startsWith('bottleneck') ? 1000 : 0) + 2 * kind(l) + (l.startsWith('hybrid') ? 1 : 0);
  return out.sort((a, b) => rank(a.label) - rank(b.label)).slice(0, max);
}

function scalars(c: Row): [string, string][] {
  const skip = new Set(['flagged', 'flags']);
  return Object.entries(c)
    .filter(
      ([k, v]) =>
        !skip.has(k) &&
        (typeof v === 'number' ||
          typeof v === 'boolean' ||
          (typeof v === 'string' && !/\.png$/i.test(v) && v.length < 80)),
    )
    .slice(0, 12)
    .map(([k, v]) => [k, isNum(v) ? fmt(v, 3) : fmt(v)]);
}

/** A flat summary {"model.metric": v} as one row per model, one column per metric; other keys as rows. */
function summaryTable(summary: Row): string {
  const models = new Map<string, Map<string, unknown>>();
  const plain: [string, unknown][] = [];
  for (const [k, v] of Object.entries(summary)) {
    if (typeof v === 'object' && v !== null) continue;
    const dot = k.indexOf('.');
    if (dot > 0) {
      const m = k.slice(0, dot);
      if (!models.has(m)) models.set(m, new Map());
      models.get(m)!.set(k.slice(dot + 1), v);
    } else plain.push([k, v]);
  }
  const metrics = [...new Set([...models.values()].flatMap((m) => [...m.keys()]))];
  let html = plain.length ? `<p>${plain.map(([k, v]) => `${esc(k)}: ${fmt(v, 3)}`).join(' · ')}</p>` : '';
  if (models.size)
    html += table(
      ['model', ...metrics.map(esc)],
      [...models].map(([m, vals]) => [esc(m), ...metrics.map((k) => fmt(vals.get(k), 3))]),
    );
  return html;
}

const pct = (v: unknown) => (isNum(v) ? `${(100 * v).toFixed(0)}%` : 'n/a');

/** The randomisation check of one row: ρ and the verdict (FAILED in bold). */
function sanityCell(v: unknown): string {
  if (!isObj(v) || !isNum(v.rankCorrelation)) return 'n/a';
  const rho = fmt(v.rankCorrelation, 2);
  return v.passed === false ? `${rho} <b>FAILED</b>` : `${rho} passed`;
}

/** audit.json `localization`: one row per model × method, each figure beside its perfect-map cap. */
function localizationTable(rows: unknown): string {
  if (!Array.isArray(rows) || !rows.length) return '';
  const body = rows.filter(isObj).map((r) => {
    const cap = isObj(r.cap) ? r.cap : {};
    const withCap = (v: unknown, c: unknown) => `${pct(v)} <small>(cap ${pct(c)})</small>`;
    return [
      esc(String(r.model)),
      esc(String(r.label ?? r.method)),
      fmt(r.scored),
      withCap(r.pointingGame, cap.pointingGame),
      withCap(r.pointingGameTol, cap.pointingGameTol),
      withCap(r.energyInBox, cap.energyInBox),
      `${pct(r.emptyFraction)} (${fmt(r.empty)}/${fmt(r.cases)})`,
      isNum(r.deletionAuc) ? fmt(r.deletionAuc, 3) : 'n/a',
      isNum(r.insertionAuc) ? fmt(r.insertionAuc, 3) : 'n/a',
      sanityCell(r.sanity),
      isNum(r.msPerImage) ? fmt(r.msPerImage, 0) : 'n/a',
    ];
  });
  return (
    `<h3>Localisation per method and model</h3><p>Peaks from each map's raw cells; tolerance 15 px at the original image scale; ` +
    `cap = what a perfect map at the method's resolution reaches on the same images; means over the images scored: those with a box and a non-empty map (an empty map cannot point, so compare the empty fraction too). ` +
    `Deletion / insertion AUC: the explained class's probability as the map's top pixels are replaced by the image mean (deletion, lower is better) ` +
    `or pasted onto a blurred copy (insertion, higher is better). Randomisation ρ: Spearman between the maps of the trained and the ` +
    `weight-randomised model (head only, and cascading through the backbone; the larger); a method at or above the threshold FAILS the ` +
    `sanity check and its Grad-CAM-vs-SHAP disagreement flags are withheld.</p>` +
    table(
      [
        'model',
        'method',
        'images scored',
        'pointing game',
        'pointing (tolerance)',
        'energy in box',
        'empty maps',
        'deletion AUC ↓',
        'insertion AUC ↑',
        'randomisation ρ',
        'ms / image',
      ],
      body,
    )
  );
}

export async function gallerySection(ctx: ReportContext, limit = 12): Promise<Section> {
  const dir = ctx.paths.explainDir;
  const auditPath = ctx.paths.explainAudit;
  const a = readJson<Row>(auditPath);
  if (a.state === 'absent') return notRun(ID, TITLE, auditPath, 'explain (explainRun)');
  if (a.state === 'error') return failed(ID, TITLE, auditPath, a.error);
  const audit = a.value;
  const cases = (Array.isArray(audit) ? audit : Array.isArray(audit.cases) ? audit.cases : []).filter(
    isObj,
  ) as Row[];
  let html = '';
  const summary = isObj(audit.summary) ? (audit.summary as Row) : null;
  if (summary) html += summaryTable(summary);
  html += localizationTable(audit.localization);
  const ordered = [...cases].sort((x, y) => Number(isFlagged(y)) - Number(isFlagged(x)));
  const flaggedN = cases.filter(isFlagged).length;
  html += `<p>${cases.length} audited cases, ${flaggedN} flagged (shown first); showing ${Math.min(limit, ordered.length)}.</p>`;
  const cards = ordered.slice(0, limit).map((c) => {
    const imgs = imagesOf(c, dir)
      .map(
        (i) =>
          `<figure class="ov"><img alt="${esc(i.label)}" src="${dataUri('image/png', readFileSync(i.path))}"><figcaption>${esc(i.label)}</figcaption></figure>`,
      )
      .join('');
    const name = String(c.file ?? c.source ?? c.id ?? c.name ?? '');
    const reasons = Array.isArray(c.flags) ? c.flags.map(String).join(', ') : '';
    return `<div class="case${isFlagged(c) ? ' flagged' : ''}">${isFlagged(c) ? `<div class="flag">flagged${reasons ? `: ${esc(reasons)}` : ''}</div>` : ''}<div><code>${esc(name)}</code></div>${imgs}${table(
      ['', ''],
      scalars(c).map(([k, v]) => [esc(k), v]),
    )}</div>`;
  });
  html += `<div class="cases">${cards.join('')}</div>`;
  // plots the explain stage wrote itself
  const plots = existsSync(dir) ? readdirSync(dir).filter((f) => /\.png$/i.test(f)) : [];
  for (const f of plots) {
    const p = join(dir, f);
    if (statSync(p).size <= MAX_IMAGE_BYTES)
      html += `<figure><img src="${dataUri('image/png', readFileSync(p))}" alt="${esc(f)}" style="max-width:520px"><figcaption>${esc(f)}</figcaption></figure>`;
  }
  return { id: ID, title: TITLE, html };
}
