/** Noise curves from RUN/noise/results.json (`points`) or RUN/noise/points.csv: accuracy against noise level. */
import { levelChart, profileChart, shotsChart, type NoiseResults } from '../../noise/index.js';
import type { ChartSpec } from '../../util/charts.js';
import type { ReportContext } from '../context.js';
import { esc, failed, fmt, notRun, pct, table, type Section } from '../html.js';
import { isNum, isObj, readCsv, readJson } from '../read.js';

const ID = 'noise';
const TITLE = 'Quantum head under NISQ noise';

type Row = Record<string, unknown>;

type Loaded = ReturnType<typeof readJson<Row>>;

const ci = (p: Row) =>
  `${pct(p.accuracy as number)} [${pct(p.accuracyLo as number)}, ${pct(p.accuracyHi as number)}]`;
const shotsCell = (p: Row) => (p.shots === null || p.shots === '' ? 'exact' : fmt(p.shots));

function referencesTable(points: Row[]): string {
  const refs = points.filter((p) => p.section === 'reference' || p.section === 'noiseless');
  if (!refs.length) return '';
  return `<h3>References (noiseless)</h3>${table(
    ['head', 'shots', 'accuracy [95% CI]', 'macro-F1'],
    refs.map((p) => [
      esc(`${p.section === 'noiseless' ? 'quantum (noiseless)' : p.setting}`),
      shotsCell(p),
      ci(p),
      fmt(p.macroF1),
    ]),
  )}`;
}

/** the noise stage's own chart specs (src/noise/plots.ts), rendered into the report */
async function charts(ctx: ReportContext, res: Loaded): Promise<string> {
  if (!(res.state === 'ok' && isObj(res.value) && res.value.version === 1)) return '';
  const r = res.value as unknown as NoiseResults;
  const list: [string, () => ChartSpec, boolean, string][] = [
    [
      'noise_accuracy_vs_level',
      () => levelChart(r),
      r.sweeps?.length > 0,
      'Quantum-head test accuracy against the level of each noise channel (95% bootstrap CI bands), with mitigation where run; grey: the linear head.',
    ],
    [
      'noise_accuracy_vs_shots',
      () => shotsChart(r),
      r.profiles?.some((p) => p.rows.some((x) => x.shots !== null)),
      'Accuracy against shots per device profile.',
    ],
    [
      'noise_profiles',
      () => profileChart(r),
      r.profiles?.length > 0,
      'Accuracy per device profile and mitigation, with 95% CIs.',
    ],
  ];
  let html = '';
  for (const [name, spec, present, caption] of list)
    if (present) html += await ctx.chart(name, spec(), caption);
  return html;
}

function profilesAndAwareTables(points: Row[]): string {
  let html = '';
  const prof = points.filter((p) => p.section === 'profile');
  if (prof.length)
    html += `<h3>Device profiles</h3>${table(
      ['profile', 'shots', 'mitigation', 'accuracy [95% CI]', 'macro-F1'],
      prof.map((p) => [esc(p.setting), shotsCell(p), esc(p.mitigation ?? 'none'), ci(p), fmt(p.macroF1)]),
    )}`;
  const aware = points.filter((p) => p.section === 'aware');
  if (aware.length)
    html += `<h3>Noise-aware training</h3>${table(
      ['', 'accuracy [95% CI]'],
      aware.map((p) => [esc(p.setting), ci(p)]),
    )}`;
  return html;
}

function verdictAndBreakEven(res: Loaded): string {
  if (!(res.state === 'ok' && isObj(res.value))) return '';
  const v = res.value;
  let html = '';
  for (const k of ['verdict', 'summary', 'conclusion'])
    if (typeof v[k] === 'string') html += `<p class="verdict">${esc(v[k])}</p>`;
  if (!Array.isArray(v.sweeps)) return html;
  const rows: string[][] = [];
  for (const sw of v.sweeps.filter(isObj))
    if (isObj(sw.breakEven))
      for (const [ref, be] of Object.entries(sw.breakEven))
        if (isObj(be) && isObj(be.accuracy))
          rows.push([
            esc(sw.label ?? sw.channel),
            esc(ref),
            esc(be.accuracy.status),
            isNum(be.accuracy.level) ? fmt(be.accuracy.level, 5) : '—',
            breakEvenCi(isObj(sw.breakEvenInterval) ? sw.breakEvenInterval[ref] : undefined),
          ]);
  if (rows.length)
    html += `<h3>Break-even noise levels (accuracy)</h3>${table(['channel', 'classical head', 'status', 'level p', '95% CI (test groups resampled)'], rows)}`;
  return html;
}

/** The break-even level's grouped interval (src/noise break-even-interval); an open end is "not reached". */
function breakEvenCi(iv: unknown): string {
  if (!isObj(iv) || !Array.isArray(iv.ci)) return 'no interval (one test group)';
  const end = (x: unknown) => (isNum(x) ? fmt(x, 5) : 'not reached');
  return `[${end(iv.ci[0])}, ${end(iv.ci[1])}]`;
}

export async function noiseSection(ctx: ReportContext): Promise<Section> {
  const resPath = ctx.paths.noiseResults;
  const csvPath = ctx.paths.noisePoints;
  const res = readJson<Row>(resPath);
  let points: Row[] | undefined;
  if (res.state === 'ok' && isObj(res.value) && Array.isArray(res.value.points))
    points = res.value.points.filter(isObj);
  else {
    const csv = readCsv(csvPath);
    if (csv.state === 'ok') points = csv.value;
    else if (res.state === 'absent' && csv.state === 'absent')
      return notRun(ID, TITLE, resPath, 'noise (noiseStudy)');
    else
      return failed(
        ID,
        TITLE,
        res.state === 'error' ? resPath : csvPath,
        res.state === 'error' ? res.error : new Error('no points'),
      );
  }
  let html = referencesTable(points);
  html += await charts(ctx, res);
  html += profilesAndAwareTables(points);
  html += verdictAndBreakEven(res);
  if (!html) html = `<p>${esc(resPath)} has no points to draw.</p>`;
  return { id: ID, title: TITLE, html };
}
