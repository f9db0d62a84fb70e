/**
 * How fair the head comparison is (issue 17 item 5), next to it in the report: what the backbone
 * was trained with (its own linear classifier, epochs, recipe: RUN/backbone/checkpoint.json settings,
 * else RUN/config.json, and metrics.json), the tuning search each head kind got on the validation
 * split (results.json `tuning`) and the end-to-end fine-tuning control of every head kind
 * (results.json `finetune`; its verdicts are in the run's verdict table, forest plot and Holm family).
 */
import type { ReportContext } from '../context.js';
import { esc, fmt, pct, table } from '../html.js';
import { isNum, isObj, readJson } from '../read.js';

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (isObj(x) ? x : {});
const list = (x: unknown): Obj[] => (Array.isArray(x) ? x.filter(isObj) : []);

/** The backbone's training settings as trained (checkpoint), else as configured. */
function backboneSettings(ctx: ReportContext): { s: Obj; from: string } | null {
  const ck = readJson<Obj>(ctx.paths.checkpointState);
  if (ck.state === 'ok' && isObj(ck.value.settings))
    return { s: ck.value.settings as Obj, from: ctx.paths.checkpointState };
  const cfg = readJson<Obj>(ctx.paths.config);
  if (cfg.state === 'ok' && isObj(cfg.value.backbone))
    return { s: cfg.value.backbone as Obj, from: ctx.paths.config };
  return null;
}

/** One paragraph: what the backbone was trained with, and its own classifier's test scores. */
/** backbone.augment in words: on / off, the named preset, or the steps' kinds (a checkpoint stores them resolved). */
function augmentText(a: unknown): string {
  if (a === 'scanner') return 'the scanner preset';
  if (Array.isArray(a))
    return a.length ? a.map((st) => esc(String(isObj(st) ? st.kind : st))).join(' → ') : 'off';
  return a ? 'on' : 'off';
}

export function backboneRecipe(ctx: ReportContext, res: Obj): string {
  const got = backboneSettings(ctx);
  if (!got)
    return `<p><b>Backbone.</b> Its training settings are unknown (no checkpoint.json or config.json).</p>`;
  const { s, from } = got;
  const m = readJson<Obj>(ctx.paths.backboneMetrics);
  const mv = m.state === 'ok' ? m.value : {};
  const test = obj(mv.test);
  const classes = Array.isArray(res.classes) ? res.classes.length : '?';
  const prog = isObj(s.progressive)
    ? `, the first ${fmt(s.progressive.epochs)} at ${fmt(s.progressive.size)} px`
    : '';
  const epochs = isNum(mv.epochsDone)
    ? `${fmt(mv.epochsDone)} epochs (best epoch ${isNum(mv.bestEpoch) ? mv.bestEpoch + 1 : '—'}, stopped by ${fmt(mv.stopped)})`
    : `${fmt(s.epochs)} epochs`;
  const ema = isNum(s.ema)
    ? `an exponential moving average of the weights (decay ${esc(String(s.ema))}${s.emaWarmup ? ', warmed up' : ''}) validated and saved, `
    : '';
  return (
    `<p><b>What the backbone was trained with.</b> DenseNet121 ${s.weights ? `started from ${esc(s.weights)}` : 'trained from scratch'} ` +
    `with its own linear classifier (${fmt(res.featureDim)} features → ${fmt(classes)} classes) for ${epochs}${prog}: ` +
    `AdamW, learning rate ${fmt(s.lr, 4)}, weight decay ${fmt(s.weightDecay, 5)}, batch size ${fmt(s.batchSize)}, ` +
    `linear warm-up (${fmt(s.warmupFraction, 2)} of the steps) then cosine decay, label smoothing ${fmt(s.labelSmoothing, 2)}, ` +
    `augmentation ${augmentText(s.augment)}, early-stopping patience ${s.patience ? fmt(s.patience) : 'off'}, ${ema}seed ${fmt(s.seed)}. ` +
    `Its own classifier: test accuracy ${pct(test.accuracy as number)}, balanced accuracy ${pct(test.balancedAccuracy as number)}. ` +
    `Every head is trained on the features of that backbone, learned for a linear read-out: this favours the linear head; ` +
    `the fine-tuning control below retrains the backbone with each head. (Settings: <code>${esc(from)}</code>.)</p>`
  );
}

/** The tuning budget: each kind's chosen settings and the whole search table. */
export function tuningHtml(res: Obj): string {
  const t = obj(res.tuning);
  const cfg = obj(res.config);
  if (!isNum(t.trials))
    return `<p><b>Tuning.</b> None (compare.tune off): every head kind trained with the same settings: ${fmt(cfg.epochs)} epochs, learning rate ${fmt(cfg.lr, 4)}, weight decay ${fmt(cfg.weightDecay, 5)}, patience ${fmt(cfg.patience)}.</p>`;
  const sp = obj(t.space);
  const range = (k: string) =>
    Array.isArray(sp[k]) ? `[${(sp[k] as number[]).map((v) => fmt(v, 5)).join(', ')}]` : '—';
  let html = `<p><b>Tuning.</b> Each head kind got the same seeded random search (seed ${fmt(t.seed)}): the same ${fmt(t.trials)} trials over learning rate ${range('lr')} (log-uniform), epochs ${range('epochs')} and weight decay ${range('weightDecay')} (log-uniform), each trained on the train split and scored on the validation split's ${esc(t.metric)}; the best trial's settings train every seed. The test split is not used.</p>`;
  const heads = list(t.heads);
  html += table(
    ['head', 'chosen trial', 'learning rate', 'epochs', 'weight decay'],
    heads.map((h) => {
      const c = obj(h.chosen);
      return [esc(h.kind), fmt(c.trial), fmt(c.lr, 5), fmt(c.epochs), fmt(c.weightDecay, 6)];
    }),
  );
  const rows = heads.flatMap((h) =>
    list(h.trials).map((x) => [
      esc(h.kind),
      fmt(x.trial),
      fmt(x.lr, 5),
      fmt(x.epochs),
      fmt(x.weightDecay, 6),
      fmt(x.epochsRun),
      fmt(x.val, 4),
    ]),
  );
  return `${html}<details><summary>Search table (${rows.length} trainings)</summary>${table(
    ['head', 'trial', 'learning rate', 'epochs', 'weight decay', 'epochs run', `validation ${esc(t.metric)}`],
    rows,
  )}</details>`;
}

/** A kind's failed seeds and representative seed, as the summary shows the frozen heads' (absent: older runs). */
function collapseCells(h: Obj): string[] {
  if (!Array.isArray(h.collapsed)) return ['—', '—'];
  const n = h.collapsed.length;
  return [
    n ? `${n} (${esc(h.collapsed.join(', '))})` : '0',
    isNum(h.representativeSeed) ? String(h.representativeSeed) : 'none (every seed failed)',
  ];
}

/** Why each fine-tuned seed that failed to train was flagged, and what the policy did. */
function failures(f: Obj): string {
  const items = list(f.runs)
    .filter((r) => isObj(r.collapse) && r.collapse.collapsed === true)
    .map((r) => {
      const c = obj(r.collapse);
      const reasons = Array.isArray(c.reasons) ? c.reasons.join('; ') : '';
      const redo = isNum(c.reinitSeed)
        ? `; retrained from seed ${c.reinitSeed}${c.reinitCollapsed ? ', which failed too' : ''}`
        : '; kept (collapse policy keep)';
      return `<li>${esc(`fine-tuned ${r.kind} seed ${r.seed}: ${reasons}${redo}`)}</li>`;
    });
  return items.length ? `<p>Fine-tuned heads that failed to train:</p><ul>${items.join('')}</ul>` : '';
}

/** The fine-tuning control: per head kind over its seeds; its verdicts are in the verdict table. */
export function finetuneHtml(res: Obj): string {
  const f = obj(res.finetune);
  if (!Array.isArray(f.heads))
    return `<p><b>End-to-end fine-tuning control.</b> Not run (compare.finetune off): the comparison is on frozen features only.</p>`;
  const c = obj(f.config);
  const seeds = Array.isArray(f.seeds) ? f.seeds.length : 0;
  const cell = (s: unknown) => {
    const v = obj(s);
    return isNum(v.mean) ? `${pct(v.mean)} ± ${pct(v.sd as number)}` : '—';
  };
  const sentences = [...list(f.comparisons), ...list(f.gains)].map(
    (x) => `<p class="verdict">${esc(x.sentence)}</p>`,
  );
  return (
    `<p><b>End-to-end fine-tuning control.</b> Every head kind, from its frozen-feature heads of ${fmt(seeds)} seeds, fine-tuned together with the backbone for ${fmt(c.epochs)} epochs (learning rate ${fmt(c.lr, 5)}, batch size ${fmt(c.batchSize)}), the same for every kind; compared with the same verdicts (grouped bootstrap, Holm over the whole run).</p>` +
    table(
      [
        'head (fine-tuned)',
        'seeds',
        'test accuracy',
        'balanced accuracy',
        'macro-F1',
        'seeds that failed to train',
        'representative seed',
      ],
      list(f.heads).map((h) => [
        esc(h.kind),
        fmt(seeds),
        cell(h.accuracy),
        cell(h.balancedAccuracy),
        cell(h.macroF1),
        ...collapseCells(h),
      ]),
    ) +
    failures(f) +
    sentences.join('')
  );
}

/** The fairness block of the comparison section. */
export const fairnessHtml = (ctx: ReportContext, res: Obj): string =>
  `<h3>How the comparison was made fair</h3>${backboneRecipe(ctx, res)}${tuningHtml(res)}${finetuneHtml(res)}`;
