/** The head comparison (RUN/compare/results.json): accuracy and macro-F1 over seeds with CIs, paired tests, verdict. */
import { join } from 'node:path';
import { intervalChart } from '../charts.js';
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
  let file = ctx.paths.compare;
  let r = readJson<Record<string, unknown>>(file);
  if (r.state === 'absent') {
    // the in-memory demo of earlier builds wrote RUN/results.json with the same head summaries
    const legacy = join(ctx.run, 'results.json');
    const l = readJson<Record<string, unknown>>(legacy);
    if (l.state === 'ok' && Array.isArray(l.value.heads)) [file, r] = [legacy, l];
  }
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
    const boot = isObj(h.bootstrapAccuracy)
      ? (h.bootstrapAccuracy as { estimate?: number; lo?: number; hi?: number })
      : null;
    return [
      esc(headName(h)),
      fmt(h.params),
      fmt(seeds),
      ci(h.accuracy as Summary),
      ci(h.macroF1 as Summary),
      ci(h.balancedAccuracy as Summary),
      boot && isNum(boot.estimate) ? `${pct(boot.estimate)} [${pct(boot.lo)}, ${pct(boot.hi)}]` : '—',
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
      'bootstrap accuracy, first seed [95% CI]',
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
      crows.push([
        esc(`${c.head ?? '?'} vs ${c.reference ?? '?'}`),
        fmt(mc.length),
        ps.length ? fmt(Math.min(...ps), 4) : '—',
        ps.length ? fmt(ps.filter((p) => p < 0.05).length) : '—',
      ]);
    }
    if (crows.length)
      html += `<h3>Paired McNemar exact tests (test set, per seed)</h3>${table(
        ['comparison', 'seeds', 'smallest p', 'seeds with p < 0.05'],
        crows,
      )}`;
  }
  html += `<p>Source: <code>${esc(file)}</code>.</p>`;
  return { id: ID, title: TITLE, html };
}
