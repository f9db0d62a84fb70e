/**
 * Confusion matrices, ROC curves and calibration of each trained head (lowest seed of each kind),
 * recomputed here from RUN/features/test.safetensors and RUN/heads/*.json with headProbs (no libtorch).
 */
import { existsSync } from 'node:fs';
import { argmaxRows, classificationMetrics } from '../../eval/index.js';
import { headProbs, listHeads, loadFeatures, loadHead, type HeadExport } from '../../train/run-folder.js';
import { confusionChart } from '../charts.js';
import type { ReportContext } from '../context.js';
import { calibration, rocPerClass } from '../curves.js';
import { esc, failed, fmt, notRun, pct, table, type Section } from '../html.js';
import { readJson } from '../read.js';

const ID = 'heads';
const TITLE = 'Confusion matrices, ROC curves and calibration';

export interface HeadEvaluation {
  kind: string;
  seed: number;
  probs: Float64Array;
  labels: Int32Array;
  classes: number;
}

function classNames(ctx: ReportContext, C: number): string[] {
  let c: string[] = [];
  for (const f of [ctx.paths.arch, ctx.paths.backboneMetrics, ctx.paths.manifest]) {
    const a = readJson<{ classes?: string[] }>(f);
    if (a.state === 'ok' && Array.isArray(a.value.classes) && a.value.classes.length === C) {
      c = a.value.classes;
      break;
    }
  }
  return Array.from({ length: C }, (_, i) => c[i] ?? `class ${i}`);
}

export async function headsSection(ctx: ReportContext): Promise<Section> {
  const featPath = ctx.paths.features('test');
  if (!existsSync(featPath)) return notRun(ID, TITLE, featPath, 'features (extractFeatures)');
  const list = listHeads(ctx.run);
  if (list.length === 0) return notRun(ID, TITLE, ctx.paths.headsDir, 'compare (compareHeads)');
  let feats;
  try {
    feats = loadFeatures(featPath);
  } catch (e) {
    return failed(ID, TITLE, featPath, e);
  }
  const chosen = new Map<string, { seed: number; head: HeadExport }>();
  const problems: string[] = [];
  for (const h of list)
    if (!chosen.has(h.kind))
      try {
        chosen.set(h.kind, { seed: h.seed, head: loadHead(h.path) });
      } catch (e) {
        problems.push((e as Error).message);
      }
  let html = problems.map((p) => `<p class="failed">${esc(p)}</p>`).join('');
  const summary: string[][] = [];
  const rocRows: Record<string, unknown>[] = [];
  const calRows: Record<string, unknown>[] = [];
  const confusion: string[] = [];
  for (const [kind, { seed, head }] of chosen) {
    if (head.inDim !== feats.dim) {
      html += `<p class="failed">${esc(kind)} head expects ${head.inDim} features, ${esc(featPath)} has ${feats.dim}</p>`;
      continue;
    }
    const C = head.classes;
    const names = classNames(ctx, C);
    const probs = headProbs(head, feats.x);
    const pred = argmaxRows(Float32Array.from(probs), C);
    const m = classificationMetrics(feats.y, pred, C);
    const roc = rocPerClass(probs, feats.y, C);
    const cal = calibration(probs, feats.y, C);
    const aucs = roc.map((r) => r.auc).filter(Number.isFinite);
    const macroAuc = aucs.length ? aucs.reduce((a, b) => a + b, 0) / aucs.length : NaN;
    summary.push([
      esc(`${kind} (seed ${seed})`),
      fmt(m.n),
      pct(m.accuracy),
      fmt(m.macroF1),
      fmt(macroAuc),
      fmt(cal.ece),
    ]);
    roc.forEach((r, c) =>
      r.fpr.forEach((f, i) => rocRows.push({ head: kind, class: names[c], fpr: f, tpr: r.tpr[i], order: i })),
    );
    for (const b of cal.bins)
      calRows.push({ head: kind, confidence: b.confidence, accuracy: b.accuracy, n: b.n });
    confusion.push(
      await ctx.chart(
        `confusion_${kind}`,
        confusionChart({ matrix: m.confusion, classes: names, title: `${kind} head (test)` }),
        `Test confusion matrix of the ${kind} head, seed ${seed} (rows: true class).`,
      ),
    );
  }
  if (summary.length === 0) return { id: ID, title: TITLE, html: html || '<p>No usable head.</p>' };
  html += table(
    ['head', 'test images', 'accuracy', 'macro-F1', 'macro AUC (one-vs-rest)', 'ECE (10 bins)'],
    summary,
  );
  html += confusion.join('');
  html += await ctx.chart(
    'roc',
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: { values: rocRows },
      facet: { column: { field: 'head', type: 'nominal', title: null } },
      spec: {
        width: 220,
        height: 220,
        layer: [
          {
            mark: { type: 'line', interpolate: 'step-after' },
            encoding: {
              x: {
                field: 'fpr',
                type: 'quantitative',
                title: 'false positive rate',
                scale: { domain: [0, 1] },
              },
              y: {
                field: 'tpr',
                type: 'quantitative',
                title: 'true positive rate',
                scale: { domain: [0, 1] },
              },
              color: { field: 'class', type: 'nominal' },
              order: { field: 'order', type: 'quantitative' },
            },
          },
        ],
      },
    } as never,
    'One-vs-rest ROC curves per class on the test set.',
  );
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
    'Reliability diagram: accuracy against top-1 confidence in 10 bins (the diagonal is perfect calibration).',
  );
  return { id: ID, title: TITLE, html };
}
