/** What every report section gets: the run's paths and a chart renderer that also exports PNG + SVG. */
import { runPaths, type RunPaths } from '../run/index.js';
import { renderChart, type ChartSpec } from '../util/charts.js';
import { figure } from './html.js';

export interface ReportContext {
  run: string;
  paths: RunPaths;
  plotsDir: string;
  /** renders a chart inline (SVG) and exports RUN/report/plots/NAME.{png,svg}; returns the figure HTML */
  chart(name: string, spec: ChartSpec, caption: string): Promise<string>;
  /** names of every chart written */
  charts: string[];
}

export function reportContext(run: string): ReportContext {
  const plotsDir = runPaths(run).reportPlots;
  const charts: string[] = [];
  return {
    run,
    paths: runPaths(run),
    plotsDir,
    charts,
    async chart(name, spec, caption) {
      const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_');
      const r = await renderChart(spec, { outDir: plotsDir, name: safe });
      charts.push(safe);
      return figure(r.svg, caption, `report/plots/${safe}.png`);
    },
  };
}
