/** The head comparison (RUN/compare/results.json): accuracy and macro-F1 over seeds with CIs, paired tests, verdict. */
import { intervalChart, lineChart } from '../../util/charts.js';
import type { ReportContext } from '../context.js';
import { esc, failed, fmt, notRun, pct, table, type Section } from '../html.js';
import { isNum, isObj, readJson } from '../read.js';

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

/** Every verdict sentence found in the results (top-level, per comparison). */
export function verdicts(r: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (typeof r.verdict === 'string') out.push(r.verdict);
  if (Array.isArray(r.verdicts)) out.push(...r.verdicts.filter((v): v is string => typeof v === 'string'));
  if (Array.isArray(r.comparisons))
    for (const c of r.comparisons) if (isObj(c) && typeof c.verdict === 'string') out.push(c.verdict);
  return [...new Set(out)];
}

export async function comparisonSection(ctx: ReportContext): Promise<Section> {
  const file = ctx.paths.compare;
  const r = readJson<Record<string, unknown>>(file);
  if (r.state === 'absent') return notRun(ID, TITLE, ctx.paths.compare, 'compare (compareHeads)');
  if (r.state === 'error') return failed(ID, TITLE, file, r.error);
  const res = r.value;
  if (!isObj(res) || !Array.isArray(res.heads))
    return failed(ID, TITLE, file, new Error("no 'heads' array of per-head results"));
  const heads = res.heads.filter(isObj);
  let html = '';
  for (const v of verdicts(res)) html += `<p class="verdict">${esc(v)}</p>`;
  const rows = heads.map((h) => {
    const seeds = Array.isArray(h.perSeed)
      ? h.perSeed.length
      : isObj(h.accuracy)
        ? (h.accuracy as Summary).n
        : undefined;
    const bootCell = (v: unknown) => {
      const b = isObj(v) ? (v as { estimate?: number; lo?: number; hi?: number }) : null;
      return b && isNum(b.estimate) ? `${pct(b.estimate)} [${pct(b.lo)}, ${pct(b.hi)}]` : '—';
    };
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
  });
  html += table(
    [
      'head',
      'parameters',
      'seeds',
      'test accuracy: mean ± sd [95% CI]',
      'macro-F1',
      'balanced accuracy',
      'bootstrap 95% CI, accuracy',
      'bootstrap 95% CI, macro-F1',
      'bootstrap 95% CI, balanced accuracy',
    ],
    rows,
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
  if (Array.isArray(res.comparisons)) {
    const crows: string[][] = [];
    for (const c of res.comparisons.filter(isObj)) {
      const mc = Array.isArray(c.mcnemar) ? c.mcnemar.filter(isObj) : [];
      const ps = mc.map((m) => m.p).filter(isNum);
      const d = isObj(c.accuracyDiff) ? (c.accuracyDiff as Summary) : null;
      const b = isObj(c.bootstrapDiff)
        ? (c.bootstrapDiff as { estimate?: number; lo?: number; hi?: number })
        : null;
      crows.push([
        esc(`${c.head ?? '?'} vs ${c.reference ?? '?'}`),
        d && isNum(d.mean) ? `${fmt(d.mean, 1)} [${fmt(d.lo, 1)}, ${fmt(d.hi, 1)}]` : '—',
        b && isNum(b.estimate) ? `${fmt(b.estimate, 1)} [${fmt(b.lo, 1)}, ${fmt(b.hi, 1)}]` : '—',
        fmt(mc.length),
        ps.length ? fmt([...ps].sort((x, y) => x - y)[Math.floor((ps.length - 1) / 2)], 4) : '—',
        ps.length ? fmt(ps.filter((p) => p < 0.05).length) : '—',
      ]);
    }
    if (crows.length)
      html += `<h3>Paired comparisons (accuracy difference in points)</h3>${table(
        [
          'comparison',
          'mean over seeds [t 95% CI]',
          'bootstrap [95% CI]',
          'seeds',
          'median McNemar p',
          'seeds with p < 0.05',
        ],
        crows,
      )}`;
  }
  if (Array.isArray(res.lowData) && res.lowData.length) {
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
    for (const pt of res.lowData.filter(isObj))
      if (Array.isArray(pt.verdicts))
        for (const v of pt.verdicts) if (typeof v === 'string') html += `<p>${esc(v)}</p>`;
  }
  html += `<p>Source: <code>${esc(file)}</code>.</p>`;
  return { id: ID, title: TITLE, html };
}
