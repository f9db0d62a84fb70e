/**
 * The structured verdicts of RUN/compare/results.json as the report shows them: every comparison's
 * verdict objects (primary metric, secondary metrics, low-data points) read back and checked, a table
 * with the same p and Holm-adjusted p as the CLI and JSON, the forest plot (difference, CI, margin
 * band, label) and the methods paragraph. Every word comes from src/eval's verdictSentence /
 * verdictMethods on the object, never recomputed here.
 */
import { verdictMethods, verdictSentence, type Verdict } from '../eval/index.js';
import { forestChart } from '../util/charts.js';
import type { ReportContext } from './context.js';
import { esc, fmt, table } from './html.js';
import { isNum, isObj } from './read.js';

/** One verdict and where it comes from (main comparison, secondary metric, low-data fraction, fine-tuning control). */
export interface VerdictRow {
  role: 'primary' | 'secondary' | 'low-data' | 'fine-tune' | 'fine-tune secondary';
  fraction: number | null;
  v: Verdict;
}

function asVerdict(x: unknown): Verdict | null {
  if (!isObj(x) || typeof x.label !== 'string' || !isNum(x.diff) || !isNum(x.p) || !isObj(x.n)) return null;
  return x as unknown as Verdict;
}

/** Every verdict object of the results, in the order of the run's Holm family. */
export function verdictRows(res: Record<string, unknown>): VerdictRow[] {
  const out: VerdictRow[] = [];
  for (const c of Array.isArray(res.comparisons) ? res.comparisons.filter(isObj) : []) {
    const v = asVerdict(c.verdict);
    if (v) out.push({ role: 'primary', fraction: null, v });
    for (const s of Array.isArray(c.secondary) ? c.secondary : []) {
      const w = asVerdict(s);
      if (w) out.push({ role: 'secondary', fraction: null, v: w });
    }
  }
  for (const pt of Array.isArray(res.lowData) ? res.lowData.filter(isObj) : [])
    if (isNum(pt.fraction) && pt.fraction < 1 && Array.isArray(pt.verdicts))
      for (const x of pt.verdicts) {
        const v = asVerdict(x);
        if (v) out.push({ role: 'low-data', fraction: pt.fraction, v });
      }
  const ft = isObj(res.finetune) ? res.finetune : {};
  for (const c of [ft.comparisons, ft.gains].flatMap((l) => (Array.isArray(l) ? l.filter(isObj) : []))) {
    const v = asVerdict(c.verdict);
    if (v) out.push({ role: 'fine-tune', fraction: null, v });
    for (const w of Array.isArray(c.secondary) ? c.secondary.map(asVerdict) : [])
      if (w) out.push({ role: 'fine-tune secondary', fraction: null, v: w });
  }
  return out;
}

const rowName = (r: VerdictRow) =>
  `${r.v.head} vs ${r.v.reference}, ${r.v.metric}${r.fraction !== null ? ` @ ${fmt(100 * r.fraction, 0)}% train` : ''}`;

/** The verdict table: label, difference, CI, margin, p and Holm-adjusted p of every comparison. */
export function verdictTable(rows: readonly VerdictRow[]): string {
  return table(
    ['comparison', 'role', 'difference (points)', '95% CI', 'margin', 'p', 'Holm p', 'method', 'verdict'],
    rows.map((r) => [
      esc(rowName(r)),
      r.role,
      fmt(r.v.diff, 2),
      r.v.ci ? `[${fmt(r.v.ci[0], 2)}, ${fmt(r.v.ci[1], 2)}]` : 'none (one seed)',
      `±${fmt(r.v.margin, 1)}`,
      fmt(r.v.p, 3),
      r.v.pHolm === null ? '—' : fmt(r.v.pHolm, 3),
      esc(r.v.method),
      `<b>${esc(r.v.label)}</b>`,
    ]),
  );
}

/** The sentences of the primary verdicts (made from the objects alone). */
export function verdictSentences(
  rows: readonly VerdictRow[],
  role: VerdictRow['role'] = 'primary',
): string[] {
  return rows.filter((r) => r.role === role).map((r) => verdictSentence(r.v));
}

/** The forest plot of every comparison with an interval. */
export async function forestPlot(ctx: ReportContext, rows: readonly VerdictRow[]): Promise<string> {
  const withCi = rows.filter((r) => r.v.ci);
  if (!withCi.length) return '';
  const margin = withCi[0].v.margin;
  return ctx.chart(
    'comparison_forest',
    forestChart({
      rows: withCi.map((r) => ({
        name: rowName(r),
        estimate: r.v.diff,
        lo: r.v.ci![0],
        hi: r.v.ci![1],
        label: r.v.label,
      })),
      margin,
      title: 'Every comparison: difference with its 95% CI',
      xTitle: 'head − reference (points; ECE: reference − head)',
    }),
    `Forest plot of every comparison of the run: the difference in points with its interval, coloured by its verdict; shaded: the equivalence margin ±${fmt(margin, 1)}; dashed: no difference.`,
  );
}

/** The cross-validation sentence of a k-fold run (results.folds), or ''. */
function foldsLine(res: Record<string, unknown>): string {
  const f = isObj(res.folds) ? res.folds : null;
  if (!f || !isNum(f.k) || !Array.isArray(f.folds)) return '';
  const tests = f.folds
    .filter(isObj)
    .map((x) => (isObj(x.images) && isNum(x.images.test) ? x.images.test : 0));
  const ratio = isNum(f.testTrainRatio) ? `, n_test/n_train = ${fmt(f.testTrainRatio, 3)}` : '';
  return ` Cross-validation: ${f.k} grouped folds (${typeof f.assignment === 'string' ? f.assignment : 'whole groups'}; ${tests.join(' + ')} test images); each fold has its own backbone trained on that fold's train part, its own features and heads over the seeds, tested on its held-out groups; the verdicts above are decided over the folds (the Nadeau–Bengio correction for the folds' overlapping training sets${ratio}), the one-split verdicts are kept in results.json (oneSplit), and a hierarchical bootstrap over folds × groups × seeds is stored as a sensitivity check.`;
}

/** How each head's own interval was made (results from before it was grouped say nothing). */
function headIntervalsLine(res: Record<string, unknown>): string {
  const h = Array.isArray(res.heads) ? res.heads.find(isObj) : undefined;
  const b = isObj(h) && isObj(h.bootstrapAccuracy) ? h.bootstrapAccuracy : {};
  if (b.method !== 'hierarchical-bootstrap' || !isObj(b.n)) return '';
  return ` Each head's own interval (summary and head table) comes from the same hierarchical bootstrap, applied to the head alone: ${b.n.resamples} resamples of the ${b.n.groups} test groups × the head's ${b.n.seeds} seeds, the same small-sample correction.`;
}

/** The methods paragraph: what was resampled, how and how many times, and the Holm family. */
export function methodsParagraph(res: Record<string, unknown>, rows: readonly VerdictRow[]): string {
  if (!rows.length) return '';
  const methods = [...new Set(rows.map((r) => verdictMethods(r.v)))];
  const test = isObj(res.test) ? res.test : {};
  const groups = typeof test.groupSource === 'string' ? ` Test groups: ${test.groupSource}.` : '';
  const cfg = isObj(res.verdicts) ? res.verdicts : {};
  const primary = typeof cfg.primaryMetric === 'string' ? cfg.primaryMetric : rows[0].v.metric;
  return `<p><b>Methods.</b> Primary metric (declared in the config): ${esc(primary)}; the other metrics are secondary. ${methods.map(esc).join(' ')}${esc(groups)}${esc(headIntervalsLine(res))}${esc(foldsLine(res))} The label is read off the interval against the equivalence margin (two one-sided tests): better ⇒ lower bound &gt; 0, worse ⇒ upper bound &lt; 0, equivalent ⇒ both inside ±margin, otherwise inconclusive. Holm's step-down adjustment runs over all ${rows.length} comparisons of the run (head pairs × metrics × low-data fractions${rows.some((r) => r.role === 'fine-tune') ? ' + the fine-tuning control' : ''}). Per-seed McNemar tests below are descriptive only.</p>`;
}
