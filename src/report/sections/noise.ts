/** Noise curves from RUN/noise/results.json (`points`) or RUN/noise/points.csv: accuracy against noise level. */
import { join } from 'node:path';
import type { ReportContext } from '../context.js';
import { esc, failed, fmt, notRun, pct, table, type Section } from '../html.js';
import { isNum, isObj, readCsv, readJson } from '../read.js';

const ID = 'noise';
const TITLE = 'Quantum head under NISQ noise';

type Row = Record<string, unknown>;

export async function noiseSection(ctx: ReportContext): Promise<Section> {
  const resPath = join(ctx.paths.noiseDir, 'results.json');
  const csvPath = join(ctx.paths.noiseDir, 'points.csv');
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
  let html = '';
  const refs = points.filter((p) => p.section === 'reference' || p.section === 'noiseless');
  if (refs.length)
    html += `<h3>References (noiseless)</h3>${table(
      ['head', 'shots', 'accuracy [95% CI]', 'macro-F1'],
      refs.map((p) => [
        esc(`${p.section === 'noiseless' ? 'quantum (noiseless)' : p.setting}`),
        p.shots === null || p.shots === '' ? 'exact' : fmt(p.shots),
        `${pct(p.accuracy as number)} [${pct(p.accuracyLo as number)}, ${pct(p.accuracyHi as number)}]`,
        fmt(p.macroF1),
      ]),
    )}`;
  const sweep = points.filter(
    (p) => p.section === 'sweep' && isNum(p.level) && p.level > 0 && (p.mitigation ?? 'none') === 'none',
  );
  if (sweep.length) {
    // one curve per channel, at the exact-expectation setting when present (else the largest shot count)
    const exact = sweep.filter((p) => p.shots === null || p.shots === '');
    const rows = (exact.length ? exact : sweep).map((p) => ({
      channel: String(p.setting),
      level: p.level,
      accuracy: p.accuracy,
      lo: p.accuracyLo,
      hi: p.accuracyHi,
    }));
    const best = refs.filter((p) => p.section === 'reference' && isNum(p.accuracy));
    html += await ctx.chart(
      'noise_sweep',
      {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        width: 440,
        height: 260,
        title: 'Test accuracy against noise level',
        layer: [
          {
            data: { values: rows },
            mark: { type: 'errorband', opacity: 0.15 },
            encoding: {
              x: { field: 'level', type: 'quantitative', scale: { type: 'log' }, title: 'noise level p' },
              y: { field: 'lo', type: 'quantitative', title: 'accuracy' },
              y2: { field: 'hi' },
              color: { field: 'channel', type: 'nominal' },
            },
          },
          {
            data: { values: rows },
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'level', type: 'quantitative', scale: { type: 'log' } },
              y: { field: 'accuracy', type: 'quantitative' },
              color: { field: 'channel', type: 'nominal' },
            },
          },
          ...(best.length
            ? [
                {
                  data: { values: best.map((b) => ({ ref: `${b.setting} head`, accuracy: b.accuracy })) },
                  mark: { type: 'rule', strokeDash: [5, 4] },
                  encoding: {
                    y: { field: 'accuracy', type: 'quantitative' },
                    strokeDash: { field: 'ref', type: 'nominal' },
                  },
                },
              ]
            : []),
        ],
      } as never,
      'Quantum-head test accuracy (bootstrap 95% band) per noise channel and level; dashed lines: noiseless classical heads.',
    );
  }
  const prof = points.filter((p) => p.section === 'profile');
  if (prof.length)
    html += `<h3>Device profiles</h3>${table(
      ['profile', 'shots', 'mitigation', 'accuracy [95% CI]', 'macro-F1'],
      prof.map((p) => [
        esc(p.setting),
        p.shots === null || p.shots === '' ? 'exact' : fmt(p.shots),
        esc(p.mitigation ?? 'none'),
        `${pct(p.accuracy as number)} [${pct(p.accuracyLo as number)}, ${pct(p.accuracyHi as number)}]`,
        fmt(p.macroF1),
      ]),
    )}`;
  const aware = points.filter((p) => p.section === 'aware');
  if (aware.length)
    html += `<h3>Noise-aware training</h3>${table(
      ['', 'accuracy [95% CI]'],
      aware.map((p) => [
        esc(p.setting),
        `${pct(p.accuracy as number)} [${pct(p.accuracyLo as number)}, ${pct(p.accuracyHi as number)}]`,
      ]),
    )}`;
  if (res.state === 'ok' && isObj(res.value)) {
    const v = res.value;
    for (const k of ['verdict', 'summary', 'conclusion'])
      if (typeof v[k] === 'string') html += `<p class="verdict">${esc(v[k])}</p>`;
    if (Array.isArray(v.breakEven) && v.breakEven.length && v.breakEven.every(isObj)) {
      const cols = Object.keys(v.breakEven[0] as Row).slice(0, 8);
      html += `<h3>Break-even noise levels</h3>${table(
        cols.map(esc),
        (v.breakEven as Row[]).map((b) => cols.map((c) => fmt(b[c], 4))),
      )}`;
    }
  }
  if (!html) html = `<p>${esc(resPath)} has no points to draw.</p>`;
  return { id: ID, title: TITLE, html };
}
