/**
 * The recipe study's table (issue #19): one row per finished arm, from runs/recipe-<arm>/backbone/
 * metrics.json. Ranked on validation (accuracy, meningioma recall); the test split and the
 * cross-source proxy are printed beside it for the record, not for choosing.
 *   npx tsx bench/train/recipe/table.ts [--runs runs] [--prefix recipe-]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface PerClass {
  recall: number | null;
}
interface Scores {
  accuracy: number;
  perClass: PerClass[];
}
interface EpochLog {
  seconds: number;
}
interface BackboneMetrics {
  classes: string[];
  val: Scores;
  test: Scores;
  proxy?: Scores;
  bestEpoch: number;
  elapsedSeconds: number;
  logs: EpochLog[];
}

const { values } = parseArgs({
  options: { runs: { type: 'string', default: 'runs' }, prefix: { type: 'string', default: 'recipe-' } },
});
const runs = values.runs ?? 'runs';
const prefix = values.prefix ?? 'recipe-';
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : (100 * x).toFixed(2));

function row(arm: string, m: BackboneMetrics): string {
  const men = m.classes.indexOf('meningioma');
  const recall = (s: Scores) => (men >= 0 ? s.perClass[men].recall : null);
  const gap = m.proxy ? pct(m.test.accuracy - m.proxy.accuracy) : '—';
  const cells = [
    arm,
    pct(m.val.accuracy),
    pct(recall(m.val)),
    (m.elapsedSeconds / 60).toFixed(1),
    String(m.bestEpoch + 1),
    pct(m.test.accuracy),
    pct(recall(m.test)),
    m.proxy ? pct(m.proxy.accuracy) : '—',
    gap,
  ];
  return `| ${cells.join(' | ')} |`;
}

const arms = readdirSync(runs)
  .filter((d) => d.startsWith(prefix) && existsSync(join(runs, d, 'backbone', 'metrics.json')))
  .sort();
console.log(
  '| arm | val acc % | val meningioma recall % | training min | best epoch | test acc % | test meningioma recall % | proxy acc % | test − proxy |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const d of arms) {
  const m = JSON.parse(readFileSync(join(runs, d, 'backbone', 'metrics.json'), 'utf8')) as BackboneMetrics;
  console.log(row(d.slice(prefix.length), m));
}
