/**
 * The shape of RUN/noise/results.json (what noiseStudy returns and the plots and report read):
 * sweeps per channel, device profiles × shots with mitigation, noise-aware training.
 */
import type { BreakEvenInterval, Interval } from '../eval/index.js';
import type { BreakEven } from './break-even.js';
import type { NoiseConfig } from './config.js';
import type { Mitigation, Point } from './points.js';
import type { SweepChannel } from './settings.js';

export interface SweepResult {
  channel: SweepChannel;
  label: string;
  points: Point[];
  /** per classical reference head kind, the level where the hybrid falls below it */
  breakEven: Record<string, { accuracy: BreakEven; macroF1: BreakEven }>;
  /** per classical reference: the accuracy break-even level with its grouped bootstrap interval */
  breakEvenInterval: Record<string, BreakEvenInterval>;
}

export interface ProfileRow {
  shots: number | null;
  mitigation: Mitigation;
  point: Point;
  /** noiseless exact score minus this setting's score */
  dropAccuracy: number;
  dropMacroF1: number;
  /** paired bootstrap CI of hybrid − linear head accuracy */
  vsLinear: Interval;
}

export interface ProfileResult {
  name: string;
  spec: string;
  description: string | null;
  rows: ProfileRow[];
}

export interface AwareResult {
  noise: string;
  shots: number | null;
  epochs: number;
  trainSamples: number;
  valSamples: number;
  log: { epoch: number; loss: number; valAccuracy: number; valMacroF1: number }[];
  /** validation macro-F1 under the training noise: starting head vs best epoch; the one kept */
  valMacroF1: { start: number; fineTuned: number };
  selected: 'fine-tuned' | 'start';
  /** test scores under the training noise, before and after; and the fine-tuned head without noise */
  before: Point;
  after: Point;
  afterNoiseless: Point;
  recovered: { accuracy: number; macroF1: number };
  headFile: string;
}

export interface NoiseResults {
  version: 1;
  config: NoiseConfig;
  test: { n: number; classes: number; dim: number };
  head: {
    seed: number;
    qubits: number;
    layers: number;
    template: string;
    embedding: string;
    reupload: boolean;
    gates: number;
    twoQubitGates: number;
  };
  references: Point[];
  noiseless: Point;
  sweeps: SweepResult[];
  shots: Point[];
  profiles: ProfileResult[];
  aware: AwareResult | null;
  points: Point[];
  notes: string[];
}
