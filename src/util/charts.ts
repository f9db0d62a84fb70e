/**
 * Charts: Vega-Lite specs compiled to Vega and rendered server-side to SVG (no browser, no network),
 * then rasterised to PNG by sharp. Every chart of the report goes through `renderChart`, and any
 * stage may call it to put a plot next to its results (the noise study does).
 */
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';

export type ChartSpec = TopLevelSpec;

export interface RenderedChart {
  svg: string;
  png: Uint8Array;
}

const BASE_CONFIG = {
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  view: { stroke: '#ccc' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 13 },
};

/** Compiles a Vega-Lite spec and renders it to an SVG string (headless, no external resources). */
export async function chartSvg(spec: ChartSpec): Promise<string> {
  const full = { ...spec, config: { ...BASE_CONFIG, ...((spec as { config?: object }).config ?? {}) } };
  const vg = compile(full as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG to PNG (sharp, white background) at `scale` × its own size. */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const buf = await sharp(Buffer.from(svg), { density: 72 * scale })
    .flatten({ background: '#ffffff' })
    .png()
    .toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** SVG and PNG of a chart; with `outDir` and `name`, also writes NAME.svg and NAME.png there (atomically). */
export async function renderChart(
  spec: ChartSpec,
  opts: { outDir?: string; name?: string } = {},
): Promise<RenderedChart> {
  const svg = await chartSvg(spec);
  const png = await svgToPng(svg);
  if (opts.outDir && opts.name) {
    writeFileAtomic(join(opts.outDir, `${opts.name}.svg`), svg);
    writeFileAtomic(join(opts.outDir, `${opts.name}.png`), png);
  }
  return { svg, png };
}

/** A line chart of `y` against `x`, one line per `series` (training curves, noise curves, ROC). */
export function lineChart(o: {
  rows: Record<string, unknown>[];
  x: string;
  y: string;
  series?: string;
  title?: string;
  xTitle?: string;
  yTitle?: string;
  xScale?: 'linear' | 'log';
  yDomain?: [number, number];
  band?: { lo: string; hi: string };
  width?: number;
  height?: number;
}): ChartSpec {
  const color = o.series ? { field: o.series, type: 'nominal' as const } : undefined;
  const x = {
    field: o.x,
    type: 'quantitative' as const,
    title: o.xTitle ?? o.x,
    scale: o.xScale === 'log' ? { type: 'log' as const } : { zero: false },
  };
  const layers: object[] = [];
  if (o.band)
    layers.push({
      mark: { type: 'area', opacity: 0.18 },
      encoding: {
        x,
        y: { field: o.band.lo, type: 'quantitative', stack: null },
        y2: { field: o.band.hi },
        ...(color ? { color } : {}),
      },
    });
  layers.push({
    mark: { type: 'line', point: true },
    encoding: {
      x,
      y: {
        field: o.y,
        type: 'quantitative',
        title: o.yTitle ?? o.y,
        scale: o.yDomain ? { domain: o.yDomain } : { zero: false },
      },
      ...(color ? { color } : {}),
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: o.title,
    width: o.width ?? 360,
    height: o.height ?? 220,
    data: { values: o.rows },
    layer: layers,
  } as ChartSpec;
}

/** A confusion-matrix heat map with counts (rows: true class, columns: predicted class). */
export function confusionChart(o: { matrix: number[][]; classes: string[]; title?: string }): ChartSpec {
  const rows: Record<string, unknown>[] = [];
  o.matrix.forEach((r, i) =>
    r.forEach((v, j) =>
      rows.push({ truth: o.classes[i] ?? `${i}`, predicted: o.classes[j] ?? `${j}`, n: v }),
    ),
  );
  const sort = o.classes;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: o.title,
    width: 40 * o.classes.length + 40,
    height: 40 * o.classes.length + 40,
    data: { values: rows },
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort, title: 'predicted' },
      y: { field: 'truth', type: 'nominal', sort, title: 'true class' },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'n', type: 'quantitative', legend: null } } },
      {
        mark: { type: 'text', fontSize: 12 },
        encoding: {
          text: { field: 'n', type: 'quantitative' },
          color: { condition: { test: `datum.n > ${maxOf(o.matrix) / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  } as ChartSpec;
}

function maxOf(m: number[][]): number {
  let mx = 0;
  for (const r of m) for (const v of r) mx = Math.max(mx, v);
  return mx;
}

/** Horizontal bars with error bars (estimate with [lo, hi]), e.g. accuracy per head with its CI. */
export function intervalChart(o: {
  rows: { name: string; estimate: number; lo: number; hi: number }[];
  title?: string;
  xTitle?: string;
}): ChartSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: o.title,
    width: 360,
    height: 28 * o.rows.length + 10,
    data: { values: o.rows },
    encoding: { y: { field: 'name', type: 'nominal', title: null } },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          x: { field: 'lo', type: 'quantitative', title: o.xTitle ?? 'estimate', scale: { zero: false } },
          x2: { field: 'hi' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: { x: { field: 'estimate', type: 'quantitative' } },
      },
    ],
  } as ChartSpec;
}

/**
 * A forest plot of comparisons: each row's difference with its interval, coloured by its verdict
 * label, over the equivalence band [−margin, margin] (shaded) and the zero line.
 */
export function forestChart(o: {
  rows: { name: string; estimate: number; lo: number; hi: number; label: string }[];
  margin: number;
  title?: string;
  xTitle?: string;
}): ChartSpec {
  const x = { field: 'lo', type: 'quantitative', title: o.xTitle ?? 'difference', scale: { zero: true } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: o.title,
    width: 420,
    height: 24 * o.rows.length + 10,
    layer: [
      {
        data: { values: [{ lo: -o.margin, hi: o.margin }] },
        mark: { type: 'rect', color: '#cfe3cf', opacity: 0.6 },
        encoding: { x, x2: { field: 'hi' } },
      },
      {
        data: { values: [{ zero: 0 }] },
        mark: { type: 'rule', color: '#888', strokeDash: [4, 3] },
        encoding: { x: { field: 'zero', type: 'quantitative' } },
      },
      {
        data: { values: o.rows },
        encoding: {
          y: { field: 'name', type: 'nominal', title: null, sort: null },
          color: { field: 'label', type: 'nominal', title: 'verdict' },
        },
        layer: [
          { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, x2: { field: 'hi' } } },
          {
            mark: { type: 'point', filled: true, size: 60 },
            encoding: { x: { field: 'estimate', type: 'quantitative' } },
          },
        ],
      },
    ],
  } as ChartSpec;
}
