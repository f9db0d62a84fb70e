/**
 * The backbone checkpoint: everything needed to continue training bit-exactly after a kill -9 —
 * model parameters and buffers, the optimizer's full state (moments, step counts), libtorch's RNG
 * state, the EMA's shadow weights when backbone.ema is on (`ema.<name>`), and the loop state (next epoch, global step, best-so-far, early-stopping counter, epoch
 * logs) — in ONE .safetensors file written atomically, so a checkpoint is either the old one or the
 * new one, never half of each. RUN/backbone/checkpoint.json is a human-readable copy of the loop
 * state, written after it.
 */
import { existsSync } from 'node:fs';
import { getRngState, readSafetensors, writeSafetensors, type StEntry } from '../engine/index.js';
import type { DenseNetConfig } from '../nn/index.js';
import type { Module } from '../nn/index.js';
import type { Optimizer } from '../engine/index.js';
import { writeJsonAtomic } from '../util/atomic.js';
import type { WeightEma } from './ema.js';
import type { EpochLog } from './fit.js';

/** One backbone epoch: fit's epoch log plus throughput and the epoch's image size. */
export interface BackboneEpochLog extends EpochLog {
  imagesPerSecond: number;
  /** training image size of this epoch (progressive resizing); absent: full size */
  inputSize?: number;
  /** box guidance: the epoch's mean share of the true class's CAM outside the box (boxed images) */
  boxPenalty?: number;
}

export interface CheckpointState {
  format: 'qmri-backbone-checkpoint';
  version: 1;
  densenet: DenseNetConfig;
  classes: string[];
  /** the training settings the run was started with (a resume must use the same ones) */
  settings: Record<string, unknown>;
  /** next epoch to run (0-based) */
  epoch: number;
  /** global optimizer steps taken */
  step: number;
  bestMacroF1: number;
  bestEpoch: number;
  /** epochs since the last improvement (early stopping) */
  since: number;
  /** 'early-stop' and 'epochs' are final; 'time-limit' may be resumed */
  stopped: null | 'epochs' | 'early-stop' | 'time-limit';
  /** training seconds summed over every session */
  elapsedSeconds: number;
  logs: BackboneEpochLog[];
}

/** bytes → I64 entry (padded to 8 bytes; the true length is kept in the metadata) */
function bytesEntry(b: Uint8Array): StEntry {
  const padded = new Uint8Array(Math.ceil(b.byteLength / 8) * 8);
  padded.set(b);
  return { dtype: 'I64', shape: [padded.byteLength / 8], data: new BigInt64Array(padded.buffer) };
}

function entryBytes(e: StEntry | undefined, length: number, what: string, path: string): Uint8Array {
  if (!e || e.dtype !== 'I64' || e.data.byteLength < length)
    throw new Error(`${path}: checkpoint has no valid '${what}' section`);
  return new Uint8Array(e.data.buffer, e.data.byteOffset, length);
}

export function saveCheckpoint(
  path: string,
  humanCopy: string,
  model: Module,
  opt: Optimizer,
  state: CheckpointState,
  ema?: WeightEma,
): void {
  const optBytes = opt.stateBytes();
  const rng = getRngState();
  const entries: [string, StEntry][] = model.stateEntries().map(([k, e]) => [`model.${k}`, e]);
  if (ema) entries.push(...ema.entries(EMA_PREFIX));
  entries.push(['optimizer', bytesEntry(optBytes)], ['torch_rng', bytesEntry(rng)]);
  writeSafetensors(path, entries, {
    state: JSON.stringify(state),
    optimizer_bytes: String(optBytes.byteLength),
    torch_rng_bytes: String(rng.byteLength),
  });
  writeJsonAtomic(humanCopy, state);
}

/** the prefix of the EMA's shadow weights in the checkpoint */
export const EMA_PREFIX = 'ema.';

export interface LoadedCheckpoint {
  state: CheckpointState;
  model: Map<string, StEntry>;
  /** every tensor of the file by name (the EMA's under EMA_PREFIX) */
  tensors: Map<string, StEntry>;
  optimizer: Uint8Array;
  torchRng: Uint8Array;
}

export function loadCheckpoint(path: string): LoadedCheckpoint | null {
  if (!existsSync(path)) return null;
  const st = readSafetensors(path);
  let state: CheckpointState;
  try {
    state = JSON.parse(st.metadata.state ?? 'null') as CheckpointState;
  } catch {
    throw new Error(`${path}: checkpoint metadata 'state' is not valid JSON`);
  }
  if (!state || state.format !== 'qmri-backbone-checkpoint' || state.version !== 1)
    throw new Error(`${path}: not a qmri backbone checkpoint (format/version missing)`);
  const model = new Map<string, StEntry>();
  for (const [k, e] of st.tensors) if (k.startsWith('model.')) model.set(k.slice(6), e);
  return {
    state,
    model,
    tensors: st.tensors,
    optimizer: entryBytes(
      st.tensors.get('optimizer'),
      Number(st.metadata.optimizer_bytes),
      'optimizer',
      path,
    ),
    torchRng: entryBytes(st.tensors.get('torch_rng'), Number(st.metadata.torch_rng_bytes), 'torch_rng', path),
  };
}

/** Same DenseNet architecture and classes, or a clear error naming what differs. */
export function checkCheckpointFits(
  path: string,
  state: CheckpointState,
  densenet: DenseNetConfig,
  classes: string[],
  settings: Record<string, unknown>,
): void {
  const a = JSON.stringify(state.densenet);
  const b = JSON.stringify(densenet);
  if (a !== b)
    throw new Error(
      `${path}: checkpoint from another architecture (checkpoint ${a}, requested ${b}); delete it or use a new run folder`,
    );
  if (JSON.stringify(state.classes) !== JSON.stringify(classes))
    throw new Error(
      `${path}: checkpoint classes [${state.classes.join(', ')}] differ from the data's [${classes.join(', ')}]`,
    );
  // both ways: a setting the checkpoint has and this run leaves unset (e.g. ema) differs too
  const show = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));
  for (const k of new Set([...Object.keys(settings), ...Object.keys(state.settings)]))
    if (JSON.stringify(state.settings[k]) !== JSON.stringify(settings[k]))
      throw new Error(
        `${path}: checkpoint was trained with ${k} = ${show(state.settings[k])}, this run asks for ${show(settings[k])}; resume needs the same settings (or delete the checkpoint)`,
      );
}
