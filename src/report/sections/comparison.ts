/**
 * The head comparison (RUN/compare/results.json): accuracy and macro-F1 over seeds with CIs, the
 * structured verdicts (sentences, table with p and Holm p, forest plot, methods; ../verdicts.ts), the
 * per-seed McNemar table (descriptive), the low-data study and how the comparison was made fair
 * (fairness.ts: the backbone's recipe, the tuning search, the fine-tuning control).
 */
import { intervalChart, lineChart } from '../../util/charts.js';
import type { ReportContext } from '../context.js';
import { esc, failed, fmt, notRun, pct, table, type Section } from '../html.js';
import { isNum, isObj, readJson } from '../read.js';
import { fairnessHtml } from './fairness.js';
import {
  forestPlot,
  methodsParagraph,
  verdictRows,
  verdictSentences,
  verdictTable,
  type VerdictRow,
} from '../verdicts.js';

const ID = 'comparison';
const TITLE = 'Head comparison';

interface Summary {
  n?: number;
  mean?: number;
  sd?: number;
  lo?: number;
  hi?: number;
}

const ci = (s: Summary | undefined) =>
  s && isNum(s.mean)
    ? `${pct(s.mean)}${isNum(s.sd) ? ` ± ${pct(s.sd)}` : ''}${isNum(s.lo) && isNum(s.hi) ? ` [${pct(s.lo)}, ${pct(s.hi)}]` : ''}`
    : '—';

function headName(h: Record<string, unknown>): string {
  return String(h.head ?? h.kind ?? h.name ?? '?');
}

/** Descriptive: the paired McNemar exact test of every seed pair (not the verdicts' test). */
function mcnemarTable(res: Record<string, unknown>): string {
  const rows: string[][] = [];
  for (const c of Array.isArray(res.comparisons) ? res.comparisons.filter(isObj) : [])
    for (const m of Array.isArray(c.mcnemar) ? c.mcnemar.filter(isObj) : [])
      rows.push([
        esc(`${c.head ?? '?'} vs ${c.reference ?? '?'}`),
        fmt(m.seed),
        fmt(m.b),
        fmt(m.c),
        fmt(m.p, 4),
      ]);
  if (!rows.length) return '';
  return `<h3>Per-seed McNemar tests (descriptive; the verdicts use the grouped test above)</h3>${table(
    ['comparison', 'seed', 'head right, reference wrong', 'head wrong, reference right', 'exact p'],
    rows,
  )}`;
}

const bootCell = (v: unknown) => {
  const b = isObj(v) ? (v as { estimate?: number; lo?: number; hi?: number }) : null;
  return b && isNum(b.estimate) ? `${pct(b.estimate)} [${pct(b.lo)}, ${pct(b.hi)}]` : '—';
};

/** One head's row of the summary table. */
function headRow(h: Record<string, unknown>): string[] {
  const seeds = Array.isArray(h.perSeed)
    ? h.perSeed.length
    : isObj(h.accuracy)
      ? (h.accuracy as Summary).n
      : undefined;
  return [
    esc(headName(h)),
    fmt(h.params),
    fmt(seeds),
    ci(h.accuracy as Summary),
    ci(h.macroF1 as Summary),
    ci(h.balancedAccuracy as Summary),
    bootCell(h.bootstrapAccuracy),
    bootCell(h.bootstrapMacroF1),
    bootCell(h.bootstrapBalancedAccuracy),
  ];
}

/** The summary table of every head and the accuracy interval chart. */
async function headsTable(ctx: ReportContext, heads: Record<string, unknown>[]): Promise<string> {
  let html = table(
    [
      'head',
      'parameters',
      'seeds',
      'test accuracy: mean ± sd [95% CI]',
      'macro-F1',
      'balanced accuracy',
      '95% CI (test groups × seeds), accuracy',
      '95% CI (test groups × seeds), macro-F1',
      '95% CI (test groups × seeds), balanced accuracy',
    ],
    heads.map(headRow),
  );
  const iv = heads
    .map((h) => ({ name: headName(h), s: h.accuracy as Summary }))
    .filter((x) => x.s && isNum(x.s.mean) && isNum(x.s.lo) && isNum(x.s.hi))
    .map((x) => ({ name: x.name, estimate: x.s.mean!, lo: x.s.lo!, hi: x.s.hi! }));
  if (iv.length)
    html += await ctx.chart(
      'comparison_accuracy',
      intervalChart({ rows: iv, title: 'Test accuracy over seeds', xTitle: 'accuracy (mean, 95% CI)' }),
      'Mean test accuracy of each head over its seeds with the t-based 95% confidence interval of the mean.',
    );
  return html;
}

/** The verdict table, forest plot and methods paragraph (empty when there is no verdict). */
async function verdictsHtml(ctx: ReportContext, res: Record<string, unknown>, vrows: VerdictRow[]) {
  if (!vrows.length) return '';
  return (
    `<h3>Verdicts (every comparison of the run)</h3>${verdictTable(vrows)}` +
    (await forestPlot(ctx, vrows)) +
    methodsParagraph(res, vrows)
  );
}

/** The low-data study: chart and table of accuracy against training fraction, and its verdicts. */
async function lowDataHtml(ctx: ReportContext, res: Record<string, unknown>, vrows: VerdictRow[]) {
  if (!Array.isArray(res.lowData) || !res.lowData.length) return '';
  let html = '';
  const rows: Record<string, unknown>[] = [];
  const trows: string[][] = [];
  for (const pt of res.lowData.filter(isObj))
    for (const h of Array.isArray(pt.heads) ? pt.heads.filter(isObj) : []) {
      if (!isObj(h.accuracy) || !isNum(h.accuracy.mean)) continue;
      const a = h.accuracy as Summary;
      const mean = a.mean as number;
      rows.push({
        fraction: pt.fraction,
        head: h.kind,
        accuracy: mean,
        lo: Math.max(0, a.lo ?? mean),
        hi: Math.min(1, a.hi ?? mean),
      });
      trows.push([fmt(pt.fraction, 2), fmt(pt.trainImages), esc(h.kind), ci(a)]);
    }
  if (rows.length) {
    html += `<h3>Low-data study</h3>`;
    html += await ctx.chart(
      'low_data',
      lineChart({
        rows,
        x: 'fraction',
        y: 'accuracy',
        series: 'head',
        xScale: 'log',
        band: { lo: 'lo', hi: 'hi' },
        title: 'Test accuracy against training-set fraction',
        xTitle: 'fraction of the training set',
        yTitle: 'test accuracy',
      }),
      'Mean test accuracy over seeds against the fraction of the training set used (bands: 95% CI, clipped to [0, 1]).',
    );
    html += table(['train fraction', 'train images', 'head', 'test accuracy: mean ± sd [95% CI]'], trows);
  }
  for (const r of vrows.filter((x) => x.role === 'low-data'))
    html += `<p>${esc(`${fmt(100 * r.fraction!, 0)}% of the training set: `)}${esc(verdictSentences([r], 'low-data')[0])}</p>`;
  return html;
}

export async function comparisonSection(ctx: ReportContext): Promise<Section> {
  const file = ctx.paths.compare;
  const r = readJson<Record<string, unknown>>(file);
  if (r.state === 'absent') return notRun(ID, TITLE, ctx.paths.compare, 'compare (compareHeads)');
  if (r.state === 'error') return failed(ID, TITLE, file, r.error);
  const res = r.value;
  if (!isObj(res) || !Array.isArray(res.heads))
    return failed(ID, TITLE, file, new Error("no 'heads' array of per-head results"));
  const vrows = verdictRows(res);
  let html = verdictSentences(vrows)
    .map((v) => `<p class="verdict">${esc(v)}</p>`)
    .join('');
  html += await headsTable(ctx, res.heads.filter(isObj));
  html += fairnessHtml(ctx, res);
  html += await verdictsHtml(ctx, res, vrows);
  html += mcnemarTable(res);
  html += await lowDataHtml(ctx, res, vrows);
  html += `<p>Source: <code>${esc(file)}</code>.</p>`;
  return { id: ID, title: TITLE, html };
}
