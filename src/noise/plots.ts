/**
 * The noise study's plots, as Vega-Lite specs rendered by the report's chart helper
 * (src/util/charts.ts: server-side SVG by vega, PNG by sharp):
 *   accuracy-vs-level   accuracy against noise level (log), one panel per channel, 95% CI bands,
 *                       mitigated curves, the linear head's accuracy (line + CI band) and the
 *                       noiseless hybrid (dashed);
 *   zerror-vs-level     mean |⟨Z⟩ − ⟨Z⟩ noiseless| against level (log–log), per channel and mitigation;
 *   accuracy-vs-shots   accuracy against shots (log) per device profile, CI bands, exact as dashed;
 *   profiles            accuracy per device profile and mitigation (exact expectation, or the most
 *                       shots configured), CI error bars, the linear head's accuracy as a rule.
 */
import { renderChart, type ChartSpec } from '../util/charts.js';
import type { NoiseResults } from './results.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const MIT_ORDER = ['none', 'readout', 'zne-linear', 'zne-richardson', 'readout+zne-richardson'];
const MIT_LABEL: Record<string, string> = {
  none: 'unmitigated',
  readout: 'readout mitigation',
  'zne-linear': 'ZNE linear',
  'zne-richardson': 'ZNE Richardson',
  'readout+zne-richardson': 'readout + ZNE Richardson',
};
/** The hybrid's curves, one per mitigation, as a colour channel. */
const SERIES_COLOR = {
  field: 'series',
  type: 'nominal',
  title: 'hybrid',
  sort: MIT_ORDER.map((m) => MIT_LABEL[m]),
};

/** Noise level p on a log axis. */
const LEVEL_X = { field: 'level', type: 'quantitative', scale: { type: 'log' }, title: 'noise level p' };

/** One panel per swept channel (three to a row), each drawing `spec` over its rows. */
const channelPanels = (r: NoiseResults, title: string, rows: object[], spec: object) =>
  ({
    $schema: SCHEMA,
    title,
    data: { values: rows },
    facet: { field: 'channel', type: 'nominal', title: null, sort: r.sweeps.map((s) => s.label) },
    columns: 3,
    spec: { width: 240, height: 170, ...spec },
  }) as unknown as ChartSpec;

/** Accuracy with its 95% CI: a band (lo–hi) at `opacity` and a line with points; `extra` goes on both layers. */
const bandAndLine = (x: object, color: object, opacity: number, extra: object = {}) => [
  {
    ...extra,
    mark: { type: 'area', opacity },
    encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
  },
  {
    ...extra,
    mark: { type: 'line', point: true },
    encoding: {
      x,
      y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy', scale: { zero: false } },
      color,
    },
  },
];

export function levelChart(r: NoiseResults): ChartSpec {
  const ref = r.references[0];
  const rows: Record<string, unknown>[] = [];
  for (const s of r.sweeps)
    for (const p of s.points)
      rows.push({
        channel: s.label,
        level: p.level,
        accuracy: p.accuracy,
        lo: p.accuracyLo,
        hi: p.accuracyHi,
        series: MIT_LABEL[p.mitigation],
        ref: ref.accuracy,
        refLo: ref.accuracyLo,
        refHi: ref.accuracyHi,
        noiseless: r.noiseless.accuracy,
      });
  // one row per point carries the references; the rules aggregate them to one per panel
  const mean = (field: string) => ({ field, aggregate: 'mean', type: 'quantitative' });
  return channelPanels(
    r,
    `Quantum head accuracy under noise (grey: ${ref.setting} head, 95% CI; dashed: noiseless hybrid)`,
    rows,
    {
      layer: [
        {
          mark: { type: 'rect', color: '#999', opacity: 0.2 },
          encoding: { y: mean('refLo'), y2: { field: 'refHi', aggregate: 'mean' } },
        },
        { mark: { type: 'rule', color: '#555' }, encoding: { y: mean('ref') } },
        { mark: { type: 'rule', color: '#555', strokeDash: [4, 3] }, encoding: { y: mean('noiseless') } },
        ...bandAndLine(LEVEL_X, SERIES_COLOR, 0.18),
      ],
    },
  );
}

/** Mean |⟨Z⟩ − ⟨Z⟩ noiseless| against level per channel and mitigation (log–log): the circuit-level error. */
export function zErrorChart(r: NoiseResults): ChartSpec {
  const rows = r.sweeps.flatMap((s) =>
    s.points
      .filter((p) => p.zError !== null && p.zError > 0)
      .map((p) => ({ channel: s.label, level: p.level, zError: p.zError, series: MIT_LABEL[p.mitigation] })),
  );
  return channelPanels(
    r,
    'Circuit error: mean |⟨Z⟩ − ⟨Z⟩ noiseless| (exact readout mitigation gives 0, not drawn)',
    rows,
    {
      mark: { type: 'line', point: true },
      encoding: {
        x: LEVEL_X,
        y: { field: 'zError', type: 'quantitative', scale: { type: 'log' }, title: 'mean |Δ⟨Z⟩|' },
        color: SERIES_COLOR,
      },
    },
  );
}

export function shotsChart(r: NoiseResults): ChartSpec {
  const rows: Record<string, unknown>[] = [];
  for (const p of r.profiles)
    for (const row of p.rows) {
      if (row.mitigation !== 'none') continue;
      const base = {
        profile: p.name,
        accuracy: row.point.accuracy,
        lo: row.point.accuracyLo,
        hi: row.point.accuracyHi,
      };
      rows.push(
        row.shots === null ? { kind: 'exact', ...base } : { kind: 'shots', shots: row.shots, ...base },
      );
    }
  const color = { field: 'profile', type: 'nominal', title: 'profile', sort: r.profiles.map((p) => p.name) };
  const x = { field: 'shots', type: 'quantitative', scale: { type: 'log' }, title: 'shots per sample' };
  const shotsF = { filter: "datum.kind === 'shots'" };
  return {
    $schema: SCHEMA,
    title: 'Quantum head accuracy against shots (dashed: exact expectation)',
    width: 360,
    height: 220,
    data: { values: rows },
    layer: [
      {
        transform: [{ filter: "datum.kind === 'exact'" }],
        mark: { type: 'rule', strokeDash: [4, 3] },
        encoding: { y: { field: 'accuracy', type: 'quantitative' }, color },
      },
      ...bandAndLine(x, color, 0.15, { transform: [shotsF] }),
    ],
  } as unknown as ChartSpec;
}

export function profileChart(r: NoiseResults): ChartSpec {
  const shotsList = r.config.shots;
  const pick = shotsList.includes(null) ? null : Math.max(...(shotsList as number[]));
  const rows: Record<string, unknown>[] = [];
  for (const p of r.profiles)
    for (const row of p.rows)
      if (row.shots === pick)
        rows.push({
          profile: p.name,
          mitigation: MIT_LABEL[row.mitigation],
          accuracy: row.point.accuracy,
          lo: row.point.accuracyLo,
          hi: row.point.accuracyHi,
        });
  const ref = r.references[0];
  const x = { field: 'profile', type: 'nominal', title: null, sort: r.profiles.map((p) => p.name) };
  const mitSort = MIT_ORDER.map((m) => MIT_LABEL[m]);
  const off = { field: 'mitigation', type: 'nominal', sort: mitSort };
  return {
    $schema: SCHEMA,
    title: `Accuracy per device profile (${pick === null ? 'exact expectation' : `${pick} shots`}; line: ${ref.setting} head ${ref.accuracy.toFixed(3)})`,
    width: 380,
    height: 220,
    layer: [
      {
        data: { values: rows },
        layer: [
          {
            mark: 'bar',
            encoding: {
              x,
              xOffset: off,
              y: {
                field: 'accuracy',
                type: 'quantitative',
                title: 'test accuracy',
                scale: { domain: [0, 1] },
              },
              color: { field: 'mitigation', type: 'nominal', title: 'mitigation', sort: mitSort },
            },
          },
          {
            mark: { type: 'rule', color: 'black' },
            encoding: { x, xOffset: off, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
          },
        ],
      },
      {
        data: { values: [{ ref: ref.accuracy }] },
        mark: { type: 'rule', color: '#333', strokeDash: [4, 3] },
        encoding: { y: { field: 'ref', type: 'quantitative' } },
      },
    ],
  } as unknown as ChartSpec;
}

/** Renders the three plots to DIR/*.svg and DIR/*.png; returns the base names written. */
export async function writeNoisePlots(dir: string, r: NoiseResults): Promise<string[]> {
  const charts: [string, ChartSpec | null][] = [
    ['accuracy-vs-level', r.sweeps.length ? levelChart(r) : null],
    ['zerror-vs-level', r.sweeps.length ? zErrorChart(r) : null],
    [
      'accuracy-vs-shots',
      r.profiles.some((p) => p.rows.some((x) => x.shots !== null)) ? shotsChart(r) : null,
    ],
    ['profiles', r.profiles.length ? profileChart(r) : null],
  ];
  const out: string[] = [];
  for (const [name, spec] of charts) {
    if (!spec) continue;
    await renderChart(spec, { outDir: dir, name });
    out.push(name);
  }
  return out;
}
