/**
 * The report's opening summary (one screen a reader can act on, before the detailed sections):
 * each head's primary metric with its interval, every verdict label of the run (from the verdict
 * objects of RUN/compare/results.json), the explanation audit's headline (RUN/explain/audit.json)
 * and the noise study's (RUN/noise/results.json). Each part says "not run" when its input is absent.
 */
import type { ReportContext } from '../context.js';
import { esc, failed, fmt, notRun, pct, table, type Section } from '../html.js';
import { isNum, isObj, readJson } from '../read.js';
import { verdictRows } from '../verdicts.js';

const ID = 'summary';
const TITLE = 'Summary';

/** Per-head interval field of each primary metric (seed mean; test groups × seeds resampled, as the verdicts). */
const BOOT: Record<string, string> = {
  accuracy: 'bootstrapAccuracy',
  balancedAccuracy: 'bootstrapBalancedAccuracy',
  macroF1: 'bootstrapMacroF1',
};

function headsPart(res: Record<string, unknown>): string {
  const metric =
    isObj(res.verdicts) && typeof res.verdicts.primaryMetric === 'string'
      ? res.verdicts.primaryMetric
      : 'accuracy';
  const rows = (Array.isArray(res.heads) ? res.heads.filter(isObj) : []).map((h) => {
    const b = BOOT[metric] ? h[BOOT[metric]] : null;
    const s = h[metric];
    const cell =
      isObj(b) && isNum(b.estimate)
        ? `${pct(b.estimate)} [${pct(b.lo as number)}, ${pct(b.hi as number)}]`
        : isObj(s) && isNum(s.mean)
          ? `${fmt(s.mean, 3)} [${fmt(s.lo, 3)}, ${fmt(s.hi, 3)}]`
          : '—';
    const seeds = Array.isArray(h.perSeed) ? h.perSeed.length : undefined;
    const collapsed = Array.isArray(h.collapsed) ? h.collapsed.length : 0;
    return [
      esc(h.kind),
      fmt(seeds),
      cell,
      collapsed ? `${collapsed} (${esc((h.collapsed as unknown[]).join(', '))})` : '0',
      isNum(h.representativeSeed) ? String(h.representativeSeed) : 'none (every seed failed)',
    ];
  });
  return table(
    ['head', 'seeds', `${esc(metric)} (primary) [95% CI]`, 'seeds that failed to train', 'seed shown'],
    rows,
  );
}

function verdictPart(res: Record<string, unknown>): string {
  const rows = verdictRows(res);
  if (!rows.length) return '<p>No verdicts in the comparison results.</p>';
  return `<ul>${rows
    .map(
      (r) =>
        `<li><b>${esc(r.v.label)}</b>: ${esc(`${r.v.head} vs ${r.v.reference}, ${r.v.metric}${r.fraction !== null ? ` at ${fmt(100 * r.fraction, 0)}% of the training set` : ''}${r.role === 'secondary' ? ' (secondary)' : ''}`)} — ${fmt(r.v.diff, 1)} points${r.v.ci ? ` [${fmt(r.v.ci[0], 1)}, ${fmt(r.v.ci[1], 1)}]` : ''}, Holm p ${r.v.pHolm === null ? '—' : fmt(r.v.pHolm, 3)}</li>`,
    )
    .join('')}</ul>`;
}

function explainPart(ctx: ReportContext): string {
  const a = readJson<Record<string, unknown>>(ctx.paths.explainAudit);
  if (a.state !== 'ok' || !isObj(a.value) || !isObj(a.value.summary))
    return '<p>Explanation audit: not run.</p>';
  const s = a.value.summary;
  const models = Object.keys(s)
    .filter((k) => k.endsWith('.flagged'))
    .map((k) => k.slice(0, -'.flagged'.length));
  const parts = models.map(
    (m) =>
      `${m}: ${fmt(s[`${m}.flagged`])} of ${fmt(s[`${m}.cases`])} cases flagged, Grad-CAM/SHAP rank agreement ${fmt(s[`${m}.meanSpearman`], 2)}`,
  );
  return `<p><b>Explanation audit:</b> ${esc(parts.join('; ') || 'no summary')}.</p>`;
}

function noisePart(ctx: ReportContext): string {
  const n = readJson<Record<string, unknown>>(ctx.paths.noiseResults);
  if (n.state !== 'ok' || !isObj(n.value)) return '<p>Noise study: not run.</p>';
  const v = n.value;
  const nl = isObj(v.noiseless) ? v.noiseless : null;
  const head =
    nl && isNum(nl.accuracy)
      ? `noiseless quantum head ${pct(nl.accuracy)} [${pct(nl.accuracyLo as number)}, ${pct(nl.accuracyHi as number)}]`
      : '';
  const refs = (Array.isArray(v.references) ? v.references.filter(isObj) : [])
    .filter((r) => isNum(r.accuracy))
    .map((r) => `${r.setting} ${pct(r.accuracy as number)}`);
  const be: string[] = [];
  const lvl = (x: unknown) => (isNum(x) ? fmt(x, 4) : 'not reached');
  for (const sw of Array.isArray(v.sweeps) ? v.sweeps.filter(isObj) : [])
    for (const [ref, b] of Object.entries(isObj(sw.breakEvenInterval) ? sw.breakEvenInterval : {}))
      if (isObj(b))
        be.push(
          `${sw.channel} vs ${ref}: ${b.status}${isNum(b.level) ? ` at p = ${fmt(b.level, 4)}` : ''}${Array.isArray(b.ci) ? ` [${lvl(b.ci[0])}, ${lvl(b.ci[1])}]` : ' (no interval)'}`,
        );
  const text = [
    head,
    refs.length ? `classical ${refs.join(', ')}` : '',
    be.length ? `break-even: ${be.join('; ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return `<p><b>Noise study (accuracy):</b> ${esc(text || 'no headline')}.</p>`;
}

export function summarySection(ctx: ReportContext): Promise<Section> {
  const r = readJson<Record<string, unknown>>(ctx.paths.compare);
  if (r.state === 'absent')
    return Promise.resolve(notRun(ID, TITLE, ctx.paths.compare, 'compare (compareHeads)'));
  if (r.state === 'error') return Promise.resolve(failed(ID, TITLE, ctx.paths.compare, r.error));
  let html = isObj(r.value) ? headsPart(r.value) + verdictPart(r.value) : '';
  html += explainPart(ctx) + noisePart(ctx);
  html += '<p>Details, methods and every interval: the sections below.</p>';
  return Promise.resolve({ id: ID, title: TITLE, html });
}
