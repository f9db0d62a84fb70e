/**
 * writeReport(run): one self-contained HTML file (RUN/report.html) built from the JSON files the
 * stages wrote; every section says "not run" when its input is absent. Charts are inline SVG and
 * also exported as PNG (and SVG) into RUN/report/plots/.
 */
import { basename } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';
import { reportContext } from './context.js';
import { failed, page, type Section } from './html.js';
import { readJson, isObj } from './read.js';
import { auditSection } from './sections/audit.js';
import { circuitSection } from './sections/circuit.js';
import { comparisonSection } from './sections/comparison.js';
import { gallerySection } from './sections/gallery.js';
import { headsSection } from './sections/heads-eval.js';
import { noiseSection } from './sections/noise.js';
import { reproFacts, reproSection } from './sections/repro.js';
import { summarySection } from './sections/summary.js';
import { trainingSection } from './sections/training.js';

/** The report's section ids, in page order. */
export const REPORT_SECTIONS = [
  'summary',
  'audit',
  'training',
  'comparison',
  'heads',
  'explain',
  'noise',
  'circuit',
  'repro',
];

export interface ReportOptions {
  title?: string;
  /** cases in the Grad-CAM / SHAP gallery */
  gallery?: number;
}

async function safely(id: string, title: string, file: string, f: () => Promise<Section>): Promise<Section> {
  try {
    return await f();
  } catch (e) {
    return failed(id, title, file, e);
  }
}

/** Writes RUN/report.html (and RUN/report/plots/*.{png,svg}, RUN/report/summary.json); returns the HTML path. */
export async function writeReport(run: string, opts: ReportOptions = {}): Promise<string> {
  if (!existsSync(run) || !statSync(run).isDirectory()) throw new Error(`${run}: run folder not found`);
  const ctx = reportContext(run);
  const cfg = readJson<Record<string, unknown>>(ctx.paths.config);
  const rcfg = cfg.state === 'ok' && isObj(cfg.value) && isObj(cfg.value.report) ? cfg.value.report : {};
  const title = opts.title ?? (typeof rcfg.title === 'string' ? rcfg.title : 'qmri report');
  const gallery = opts.gallery ?? (typeof rcfg.gallery === 'number' ? rcfg.gallery : 12);
  const p = ctx.paths;
  const sections: Section[] = [
    await safely('summary', 'Summary', p.compare, () => summarySection(ctx)),
    await safely('audit', 'Dataset audit', p.manifest, () => auditSection(ctx)),
    await safely('training', 'Backbone training', p.trainLog, () => trainingSection(ctx)),
    await safely('comparison', 'Head comparison', p.compare, () => comparisonSection(ctx)),
    await safely('heads', 'Confusion matrices, ROC curves and calibration', p.headsDir, () =>
      headsSection(ctx),
    ),
    await safely('explain', 'Grad-CAM / SHAP audit', p.explainDir, () => gallerySection(ctx, gallery)),
    await safely('noise', 'Quantum head under NISQ noise', p.noiseDir, () => noiseSection(ctx)),
    await safely('circuit', 'Quantum circuit', p.headsDir, () => circuitSection(ctx)),
  ];
  const facts = reproFacts(ctx);
  sections.push(reproSection(ctx, facts));
  const html = page(
    title,
    `run ${basename(run)} · ${facts.generated} · config ${facts.configHash ?? '—'}`,
    sections,
  );
  writeFileAtomic(p.report, html);
  writeJsonAtomic(p.reportSummary, {
    report: p.report,
    sections: sections.map((s) => ({ id: s.id, title: s.title, state: s.state ?? 'ok' })),
    charts: ctx.charts.map((c) => `report/plots/${c}.png`),
    ...facts,
  });
  return p.report;
}
