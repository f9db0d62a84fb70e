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

export async function headsSection(ctx: ReportContext): Promise<Section> {
  const problems: string[] = [];
  let details = storedDetails(ctx);
  let source = ctx.paths.compare;
  if (!details) {
    const featPath = ctx.paths.features('test');
    if (!existsSync(featPath)) return notRun(ID, TITLE, featPath, 'features (extractFeatures)');
    if (listHeads(ctx.run).length === 0)
      return notRun(ID, TITLE, ctx.paths.headsDir, 'compare (compareHeads)');
    details = recomputedDetails(ctx, problems);
    source = `${featPath} and ${ctx.paths.headsDir}`;
  }
  let html = problems.map((p) => `<p class="failed">${esc(p)}</p>`).join('');
  if (details.length === 0)
    return { id: ID, title: TITLE, state: 'unreadable', html: html || '<p>No usable head.</p>' };
  const summary: string[][] = [];
  const rocRows: Record<string, unknown>[] = [];
  const calRows: Record<string, unknown>[] = [];
  const confusion: string[] = [];
  for (const d of details) {
    const C = d.metrics.confusion.length;
    const names = classNames(ctx, C);
    summary.push([
      esc(`${d.kind} (seed ${d.seed})`),
      fmt(d.metrics.n),
      pct(d.metrics.accuracy),
      fmt(d.metrics.macroF1),
      fmt(d.roc.macroAuc),
      fmt(d.calibration.ece),
    ]);
    d.roc.perClass.forEach((r, c) =>
      r?.fpr.forEach((f, i) =>
        rocRows.push({ head: d.kind, class: names[c], fpr: f, tpr: r.tpr[i], order: i }),
      ),
    );
    for (const b of d.calibration.bins)
      if (b.count > 0 && b.confidence !== null && b.accuracy !== null)
        calRows.push({ head: d.kind, confidence: b.confidence, accuracy: b.accuracy, n: b.count });
    confusion.push(
      await ctx.chart(
        `confusion_${d.kind}`,
        confusionChart({ matrix: d.metrics.confusion, classes: names, title: `${d.kind} head (test)` }),
        `Test confusion matrix of the ${d.kind} head, seed ${d.seed} (rows: true class).`,
      ),
    );
  }
  html += table(
    ['head', 'test images', 'accuracy', 'macro-F1', 'macro AUC (one-vs-rest)', `ECE (${ECE_BINS} bins)`],
    summary,
  );
  html += confusion.join('');
  if (rocRows.length)
    html += await ctx.chart(
      'roc',
      {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        data: { values: rocRows },
        facet: { column: { field: 'head', type: 'nominal', title: null } },
        spec: {
          width: 220,
          height: 220,
          mark: { type: 'line' },
          encoding: {
            x: {
              field: 'fpr',
              type: 'quantitative',
              title: 'false positive rate',
              scale: { domain: [0, 1] },
            },
            y: { field: 'tpr', type: 'quantitative', title: 'true positive rate', scale: { domain: [0, 1] } },
            color: { field: 'class', type: 'nominal' },
            order: { field: 'order', type: 'quantitative' },
          },
        },
      } as never,
      'One-vs-rest ROC curves per class on the test set.',
    );
  if (calRows.length)
    html += await ctx.chart(
      'calibration',
      {
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
            data: { values: calRows },
            mark: { type: 'line', point: true },
            encoding: {
              x: {
                field: 'confidence',
                type: 'quantitative',
                title: 'mean top-1 confidence',
                scale: { domain: [0, 1] },
              },
              y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } },
              color: { field: 'head', type: 'nominal' },
            },
          },
        ],
      } as never,
      'Reliability diagram: accuracy against top-1 confidence per bin (the diagonal is perfect calibration).',
    );
  html += `<p>Source: <code>${esc(source)}</code>.</p>`;
  return { id: ID, title: TITLE, html };
}
