/**
 * Training curves (RUN/backbone/log.jsonl) and the backbone's own test metrics (RUN/backbone/metrics.json,
 * with the test-time augmentation views when backbone.tta was set), and the k-fold backbone ensemble's
 * scores when `qmri ensemble` wrote them (RUN/ensemble/metrics.json).
 */
import { lineChart, confusionChart } from '../../util/charts.js';
import type { ReportContext } from '../context.js';
import { esc, failed, fmt, notRun, pct, table, type Section } from '../html.js';
import { isNum, isObj, readJson, readJsonl } from '../read.js';

const ID = 'training';
const TITLE = 'Backbone training';

interface EpochLine {
  epoch: number;
  loss: number;
  valAccuracy?: number;
  valMacroF1?: number;
  lr?: number;
  seconds?: number;
}

interface MetricsLike {
  n?: number;
  accuracy?: number;
  balancedAccuracy?: number;
  macroF1?: number;
  confusion?: number[][];
}

export async function trainingSection(ctx: ReportContext): Promise<Section> {
  const log = readJsonl<EpochLine>(ctx.paths.trainLog);
  if (log.state === 'absent') return notRun(ID, TITLE, ctx.paths.trainLog, 'backbone (trainBackbone)');
  if (log.state === 'error') return failed(ID, TITLE, ctx.paths.trainLog, log.error);
  const lines = log.value.filter((l) => isObj(l) && isNum(l.epoch) && isNum(l.loss));
  let html = '';
  if (lines.length === 0) html += `<p class="failed">${esc(ctx.paths.trainLog)}: no epoch lines</p>`;
  else {
    const loss = lines.map((l) => ({ epoch: l.epoch + 1, value: l.loss, curve: 'train loss' }));
    const val = lines.flatMap((l) => [
      ...(isNum(l.valAccuracy) ? [{ epoch: l.epoch + 1, value: l.valAccuracy, curve: 'val accuracy' }] : []),
      ...(isNum(l.valMacroF1) ? [{ epoch: l.epoch + 1, value: l.valMacroF1, curve: 'val macro-F1' }] : []),
    ]);
    html += await ctx.chart(
      'training_loss',
      lineChart({
        rows: loss,
        x: 'epoch',
        y: 'value',
        series: 'curve',
        title: 'Training loss',
        yTitle: 'loss',
      }),
      'Mean training loss per epoch.',
    );
    if (val.length)
      html += await ctx.chart(
        'training_validation',
        lineChart({
          rows: val,
          x: 'epoch',
          y: 'value',
          series: 'curve',
          title: 'Validation',
          yTitle: 'score',
          yDomain: [0, 1],
        }),
        'Validation accuracy and macro-F1 per epoch (the best macro-F1 epoch is kept).',
      );
  }
  const m = readJson<Record<string, unknown>>(ctx.paths.backboneMetrics);
  if (m.state === 'ok' && isObj(m.value)) {
    const v = m.value;
    const rows: string[][] = [];
    for (const split of ['val', 'test', 'proxy'])
      if (isObj(v[split])) {
        const s = v[split] as MetricsLike;
        const name = split === 'proxy' ? 'cross-source proxy' : split;
        rows.push([name, fmt(s.n ?? 0), pct(s.accuracy), pct(s.balancedAccuracy), fmt(s.macroF1)]);
      }
    html += `<p>Epochs done: ${fmt(v.epochsDone)}, best epoch: ${isNum(v.bestEpoch) ? v.bestEpoch + 1 : '—'}, stopped by: ${fmt(v.stopped)}, training time ${isNum(v.elapsedSeconds) ? `${v.elapsedSeconds.toFixed(0)} s` : '—'}.</p>`;
    if (rows.length)
      html += table(['backbone classifier', 'images', 'accuracy', 'balanced accuracy', 'macro-F1'], rows);
    const test = v.test as MetricsLike | undefined;
    html += proxyNote(test, v.proxy) + ttaNote(v.config) + ensembleNote(ctx);
    const classes = Array.isArray(v.classes) ? (v.classes as string[]) : undefined;
    if (test && Array.isArray(test.confusion))
      html += await ctx.chart(
        'confusion_backbone',
        confusionChart({
          matrix: test.confusion,
          classes: classes ?? test.confusion.map((_, i) => `${i}`),
          title: 'Backbone classifier (test)',
        }),
        "Test confusion matrix of the backbone's own linear classifier.",
      );
  } else if (m.state === 'error')
    html += `<p class="failed">${esc(ctx.paths.backboneMetrics)}: ${esc(m.error.message)}</p>`;
  else
    html += `<p class="notrun"><strong>not run</strong>: ${esc(ctx.paths.backboneMetrics)} is absent (training unfinished).</p>`;
  return { id: ID, title: TITLE, html };
}

/** Which test-time augmentation views the scores above average over (nothing when off). */
function ttaNote(config: unknown): string {
  const tta = isObj(config) && Array.isArray(config.tta) ? (config.tta as unknown[]).map(String) : [];
  if (!tta.length) return '';
  return `<p>Test-time augmentation: the val, test and proxy scores average the softmax probabilities over the views ${esc(tta.join(', '))} (the per-epoch validation curve does not).</p>`;
}

interface EnsembleLike {
  folds: number[];
  split: string;
  images: number;
  metrics: MetricsLike;
  perFold: { fold: number; metrics: MetricsLike }[];
  seen: { images: number };
}

/** The k-fold backbone ensemble's accuracy beside each fold's alone, when it was scored. */
function ensembleNote(ctx: ReportContext): string {
  const e = readJson<EnsembleLike>(ctx.paths.ensembleMetrics);
  if (e.state !== 'ok' || !isObj(e.value) || !isObj(e.value.metrics) || !Array.isArray(e.value.perFold))
    return '';
  const r = e.value;
  const each = r.perFold.map((f) => `fold ${fmt(f.fold)} ${pct(f.metrics.accuracy)}`).join(', ');
  const seen = r.seen?.images
    ? ` ${fmt(r.seen.images)} of these images were in the training or validation data of some fold, so this is optimistic, not a held-out estimate.`
    : '';
  return `<p>k-fold backbone ensemble (<code>qmri ensemble</code>): the mean of the softmax probabilities of folds ${esc(r.folds.join(', '))} on the ${esc(r.split)} split (${fmt(r.images)} images): accuracy ${pct(r.metrics.accuracy)}, macro-F1 ${fmt(r.metrics.macroF1)}; each fold alone: ${each}.${seen}</p>`;
}

/**
 * The cross-source proxy (data.proxy, issue 19): the test images re-prepared with seeded scanner-like
 * changes; its gap to the test accuracy stands in for the unseen-scanner accuracy the shared set
 * cannot measure (each of its sources is a class, so no source can be held out).
 */
function proxyNote(test: MetricsLike | undefined, proxy: unknown): string {
  if (!isObj(proxy) || !isNum(proxy.accuracy) || !test || !isNum(test.accuracy))
    return '<p>Cross-source proxy: not run (<code>data.proxy</code> off).</p>';
  const gap = 100 * (proxy.accuracy - test.accuracy);
  return `<p>Cross-source proxy: the test images re-prepared with seeded per-image changes of resolution, gamma, contrast, brightness and JPEG quality. Accuracy ${pct(proxy.accuracy)} against ${pct(test.accuracy)} on the test split as stored: ${gap >= 0 ? '+' : '−'}${Math.abs(gap).toFixed(1)} points. It is a proxy for another scanner, not a measurement on one.</p>`;
}
