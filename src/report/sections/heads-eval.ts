/**
 * Confusion matrices, ROC curves and calibration of each head (first seed of each kind): from the
 * `detail` the comparison stage stored in RUN/compare/results.json, or, when that is absent,
 * recomputed from RUN/features/test.safetensors and RUN/heads/*.json with headProbs (no libtorch).
 */
import { existsSync } from 'node:fs';
import {
  ECE_BINS,
  argmaxRows,
  calibration,
  classificationMetrics,
  rocOneVsRest,
  type Calibration,
  type Metrics,
  type RocResult,
} from '../../eval/index.js';
import { headProbs } from '../../heads/index.js';
import { listHeads, loadFeatures, loadHead } from '../../run/index.js';
import { confusionChart } from '../../util/charts.js';
import type { ReportContext } from '../context.js';
import { esc, fmt, notRun, pct, table, type Section } from '../html.js';
import { isObj, readJson } from '../read.js';

const ID = 'heads';
const TITLE = 'Confusion matrices, ROC curves and calibration';

interface Detail {
  kind: string;
  seed: number;
  metrics: Metrics;
  roc: RocResult;
  calibration: Calibration;
}

function classNames(ctx: ReportContext, C: number): string[] {
  let c: string[] = [];
  for (const f of [ctx.paths.compare, ctx.paths.arch, ctx.paths.backboneMetrics, ctx.paths.manifest]) {
    const a = readJson<{ classes?: string[] }>(f);
    if (a.state === 'ok' && Array.isArray(a.value.classes) && a.value.classes.length === C) {
      c = a.value.classes;
      break;
    }
  }
  return Array.from({ length: C }, (_, i) => c[i] ?? `class ${i}`);
}

/** The comparison stage's per-head detail (first seed), when RUN/compare/results.json has it. */
function storedDetails(ctx: ReportContext): Detail[] | null {
  const r = readJson<{ heads?: unknown[] }>(ctx.paths.compare);
  if (r.state !== 'ok' || !Array.isArray(r.value.heads)) return null;
  const out: Detail[] = [];
  for (const h of r.value.heads)
    if (
      isObj(h) &&
      isObj(h.detail) &&
      isObj(h.detail.metrics) &&
      isObj(h.detail.roc) &&
      isObj(h.detail.calibration)
    )
      out.push({ kind: String(h.kind), ...(h.detail as unknown as Omit<Detail, 'kind'>) });
  return out.length ? out : null;
}

/** Recomputed from the test features and the stored heads. */
function recomputedDetails(ctx: ReportContext, problems: string[]): Detail[] {
  const featPath = ctx.paths.features('test');
  const feats = loadFeatures(featPath);
  const seen = new Set<string>();
  const out: Detail[] = [];
  for (const h of listHeads(ctx.run)) {
    if (seen.has(h.kind)) continue;
    seen.add(h.kind);
    try {
      const head = loadHead(h.path);
      if (head.inDim !== feats.dim)
        throw new Error(`${h.path}: head takes ${head.inDim} features, ${featPath} has ${feats.dim}`);
      const C = head.classes;
      const probs = headProbs(head, feats.x);
      out.push({
        kind: h.kind,
        seed: h.seed,
        metrics: classificationMetrics(feats.y, argmaxRows(Float32Array.from(probs), C), C),
        roc: rocOneVsRest(probs, feats.y, C),
        calibration: calibration(probs, feats.y, C),
      });
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return out;
}

/** The per-head details and where they came from, or the section saying what has not run yet. */
function loadDetails(
  ctx: ReportContext,
  problems: string[],
): { details: Detail[]; source: string } | Section {
  const stored = storedDetails(ctx);
  if (stored) return { details: stored, source: ctx.paths.compare };
  const featPath = ctx.paths.features('test');
  if (!existsSync(featPath)) return notRun(ID, TITLE, featPath, 'features (extractFeatures)');
  if (listHeads(ctx.run).length === 0) return notRun(ID, TITLE, ctx.paths.headsDir, 'compare (compareHeads)');
  return { details: recomputedDetails(ctx, problems), source: `${featPath} and ${ctx.paths.headsDir}` };
}

const summaryRow = (d: Detail): string[] => [
  esc(`${d.kind} (seed ${d.seed})`),
  fmt(d.metrics.n),
  pct(d.metrics.accuracy),
  fmt(d.metrics.macroF1),
  fmt(d.roc.macroAuc),
  fmt(d.calibration.ece),
];

/** ROC points (one row per curve point, in curve order) of one head. */
const rocRowsOf = (d: Detail, names: string[]) =>
  d.roc.perClass.flatMap(
    (r, c) =>
      r?.fpr.map((f, i) => ({ head: d.kind, class: names[c], fpr: f, tpr: r.tpr[i], order: i })) ?? [],
  );

/** Reliability-diagram points (non-empty bins) of one head. */
const calibrationRowsOf = (d: Detail) =>
  d.calibration.bins
    .filter((b) => b.count > 0 && b.confidence !== null && b.accuracy !== null)
    .map((b) => ({ head: d.kind, confidence: b.confidence, accuracy: b.accuracy, n: b.count }));

/** A quantitative axis over [0, 1]. */
const unitAxis = (field: string, title: string) => ({
  field,
  type: 'quantitative',
  title,
  scale: { domain: [0, 1] },
});

const rocSpec = (rows: Record<string, unknown>[]) =>
  ({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: rows },
    facet: { column: { field: 'head', type: 'nominal', title: null } },
    spec: {
      width: 220,
      height: 220,
      mark: { type: 'line' },
      encoding: {
        x: unitAxis('fpr', 'false positive rate'),
        y: unitAxis('tpr', 'true positive rate'),
        color: { field: 'class', type: 'nominal' },
        order: { field: 'order', type: 'quantitative' },
      },
    },
  }) as never;

const calibrationSpec = (rows: Record<string, unknown>[]) =>
  ({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 300,
    height: 260,
    layer: [
      {
        data: {
          values: [
            { a: 0, b: 0 },
            { a: 1, b: 1 },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
        encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } },
      },
      {
        data: { values: rows },
        mark: { type: 'line', point: true },
        encoding: {
          x: unitAxis('confidence', 'mean top-1 confidence'),
          y: unitAxis('accuracy', 'accuracy'),
          color: { field: 'head', type: 'nominal' },
        },
      },
    ],
  }) as never;

/** The summary table, each head's confusion matrix, the ROC curves and the reliability diagram. */
async function detailsHtml(ctx: ReportContext, details: Detail[]): Promise<string> {
  const rocRows: Record<string, unknown>[] = [];
  const calRows: Record<string, unknown>[] = [];
  const confusion: string[] = [];
  for (const d of details) {
    const names = classNames(ctx, d.metrics.confusion.length);
    rocRows.push(...rocRowsOf(d, names));
    calRows.push(...calibrationRowsOf(d));
    confusion.push(
      await ctx.chart(
        `confusion_${d.kind}`,
        confusionChart({ matrix: d.metrics.confusion, classes: names, title: `${d.kind} head (test)` }),
        `Test confusion matrix of the ${d.kind} head, seed ${d.seed} (rows: true class).`,
      ),
    );
  }
  let html = table(
    ['head', 'test images', 'accuracy', 'macro-F1', 'macro AUC (one-vs-rest)', `ECE (${ECE_BINS} bins)`],
    details.map(summaryRow),
  );
  html += confusion.join('');
  if (rocRows.length)
    html += await ctx.chart('roc', rocSpec(rocRows), 'One-vs-rest ROC curves per class on the test set.');
  if (calRows.length)
    html += await ctx.chart(
      'calibration',
      calibrationSpec(calRows),
      'Reliability diagram: accuracy against top-1 confidence per bin (the diagonal is perfect calibration).',
    );
  return html;
}

export async function headsSection(ctx: ReportContext): Promise<Section> {
  const problems: string[] = [];
  const loaded = loadDetails(ctx, problems);
  if (!('details' in loaded)) return loaded;
  const { details, source } = loaded;
  const html = problems.map((p) => `<p class="failed">${esc(p)}</p>`).join('');
  if (details.length === 0)
    return { id: ID, title: TITLE, state: 'unreadable', html: html || '<p>No usable head.</p>' };
  return {
    id: ID,
    title: TITLE,
    html: html + (await detailsHtml(ctx, details)) + `<p>Source: <code>${esc(source)}</code>.</p>`,
  };
}
