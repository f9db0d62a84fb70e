/**
 * One head's own interval on one metric (the per-head rows of the comparison summary), from the same
 * resampling as the verdicts: the hierarchical bootstrap (hierarchical-bootstrap.ts) over the test
 * split's groups (patient groups or blocks) and the head's seeds, with its small-sample variance
 * correction and t-widening, applied to the head alone (a paired fold without reference seeds:
 * paired-diff.ts then takes the head's metric itself). The estimate is the seed mean of the metric
 * on the test set as it is. One test group leaves the test-set variance unestimable: no interval
 * (lo and hi NaN, null in JSON), as a verdict with one test group has none.
 */
import { hierarchicalBootstrap, type BootstrapOptions } from './hierarchical-bootstrap.js';
import { preparePaired, type HeadSeeds } from './paired-data.js';
import { pairedMetric, type MetricName } from './paired-metrics/index.js';
import type { Interval } from './stats.js';

/** A head's interval and what was resampled (metric units: a fraction for accuracy, not points). */
export interface HeadInterval extends Interval {
  method: 'hierarchical-bootstrap';
  n: { groups: number; seeds: number; resamples: number };
}

export interface HeadIntervalInput {
  classes: number;
  labels: ArrayLike<number>;
  /** group id of every test case (cases of one group are resampled together) */
  groups: ArrayLike<string | number>;
  head: HeadSeeds;
}

export function headInterval(
  data: HeadIntervalInput,
  metric: MetricName,
  opts: BootstrapOptions = {},
): HeadInterval {
  const m = pairedMetric(metric);
  const fold = { labels: data.labels, groups: data.groups, head: data.head, reference: data.head };
  const [f] = preparePaired({ classes: data.classes, folds: [fold] }, m.needsProbs);
  const single = { ...f, b: [] };
  const boot = hierarchicalBootstrap([single], m, data.classes, opts);
  const n = { groups: f.groups, seeds: f.a.length, resamples: boot.resamples };
  const none = f.groups < 2;
  return {
    estimate: boot.estimate,
    lo: none ? NaN : boot.lo,
    hi: none ? NaN : boot.hi,
    method: 'hierarchical-bootstrap',
    n,
  };
}
