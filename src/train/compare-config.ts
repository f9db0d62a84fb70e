/**
 * Head-comparison settings (`CompareConfig`), defaults and validation. Every head gets the same
 * optimizer budget: AdamW, the same epochs, learning rate, batch size, warm-up + cosine schedule
 * and early-stopping patience. Checked field by field before any feature is read.
 */
import { hasCircuit, headKinds, type HeadKind } from '../heads/index.js';

/** The built-in head kinds (the registry, src/heads, at start-up). */
export const HEAD_KINDS: readonly HeadKind[] = headKinds();

export interface FinetuneConfig {
  /** end-to-end: backbone + quantum head trained together on the images (slow on CPU) */
  enabled: boolean;
  epochs: number;
  /** learning rate of the whole model (the backbone is already trained: keep it small) */
  lr: number;
  batchSize: number;
}

export interface CompareConfig {
  heads: HeadKind[];
  /** seeds per head (the issue asks for ≥ 10 in a reported comparison) */
  seeds: number;
  qubits: number;
  layers: number;
  template: 'strong' | 'basic';
  embedding: 'X' | 'Y' | 'Z';
  reupload: boolean;
  epochs: number;
  lr: number;
  batchSize: number;
  /** train fractions of the low-data study (1 = the main study, reused); [] = no study */
  lowData: number[];
  /** early stopping on validation macro-F1 (0 = off), the same for every head */
  patience?: number;
  weightDecay?: number;
  threads?: number;
  /** first seed; head k of a kind uses seed firstSeed + k */
  firstSeed?: number;
  finetune?: FinetuneConfig;
}

export const DEFAULT_COMPARE: CompareConfig = {
  heads: ['linear', 'bottleneck', 'quantum'],
  seeds: 10,
  qubits: 4,
  layers: 2,
  template: 'strong',
  embedding: 'Y',
  reupload: false,
  epochs: 30,
  lr: 1e-2,
  batchSize: 32,
  lowData: [0.05, 0.1, 0.25, 0.5, 1],
  patience: 10,
  weightDecay: 1e-4,
  threads: 2,
  firstSeed: 1000,
};

const KEYS = new Set([...Object.keys(DEFAULT_COMPARE), 'finetune']);

function fail(source: string, field: string, problem: string): never {
  throw new Error(`${source}: '${field}' ${problem}`);
}

function int(source: string, field: string, v: unknown, lo: number, hi: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
    fail(source, field, `must be an integer in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
}

function positive(source: string, field: string, v: unknown, hi: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > hi)
    fail(source, field, `must be a number in (0, ${hi}], got ${JSON.stringify(v)}`);
}

export function resolveCompareConfig(
  partial: Partial<CompareConfig> | undefined,
  source = 'compare config',
): CompareConfig {
  if (partial !== undefined && (typeof partial !== 'object' || partial === null || Array.isArray(partial)))
    throw new Error(`${source}: must be an object`);
  for (const k of Object.keys(partial ?? {}))
    if (!KEYS.has(k)) fail(source, k, `is not a compare setting (known: ${[...KEYS].join(', ')})`);
  const c: CompareConfig = { ...DEFAULT_COMPARE, ...(partial ?? {}) };
  if (!Array.isArray(c.heads) || c.heads.length === 0) fail(source, 'heads', 'must be a non-empty list');
  for (const h of c.heads)
    if (!headKinds().includes(h))
      fail(
        source,
        'heads',
        `names a head that does not exist: '${String(h)}' (known: ${headKinds().join(', ')})`,
      );
  if (new Set(c.heads).size !== c.heads.length)
    fail(source, 'heads', `lists a head twice: ${c.heads.join(', ')}`);
  int(source, 'seeds', c.seeds, 1, 1000);
  if (typeof c.qubits !== 'number' || !Number.isInteger(c.qubits) || c.qubits < 2 || c.qubits > 12)
    fail(
      source,
      'qubits',
      `${JSON.stringify(c.qubits)} is not a qubit count the quantum head supports (integers 2 to 12)`,
    );
  int(source, 'layers', c.layers, 1, 50);
  if (c.template !== 'strong' && c.template !== 'basic')
    fail(source, 'template', `must be 'strong' or 'basic', got ${JSON.stringify(c.template)}`);
  if (!['X', 'Y', 'Z'].includes(c.embedding))
    fail(source, 'embedding', `must be 'X', 'Y' or 'Z', got ${JSON.stringify(c.embedding)}`);
  if (typeof c.reupload !== 'boolean') fail(source, 'reupload', 'must be true or false');
  int(source, 'epochs', c.epochs, 1, 10000);
  positive(source, 'lr', c.lr, 10);
  int(source, 'batchSize', c.batchSize, 1, 4096);
  if (!Array.isArray(c.lowData)) fail(source, 'lowData', 'must be a list of train fractions');
  for (const f of c.lowData)
    if (typeof f !== 'number' || !(f > 0 && f <= 1))
      fail(source, 'lowData', `fractions must be in (0, 1], got ${JSON.stringify(f)}`);
  int(source, 'patience', c.patience, 0, 10000);
  if (typeof c.weightDecay !== 'number' || !(c.weightDecay >= 0 && c.weightDecay <= 10))
    fail(source, 'weightDecay', `must be a number in [0, 10], got ${JSON.stringify(c.weightDecay)}`);
  int(source, 'threads', c.threads, 1, 256);
  int(source, 'firstSeed', c.firstSeed, 0, 2 ** 31 - 1000);
  if (c.finetune !== undefined) {
    const f = c.finetune;
    if (typeof f !== 'object' || f === null) fail(source, 'finetune', 'must be an object');
    if (typeof f.enabled !== 'boolean') fail(source, 'finetune.enabled', 'must be true or false');
    int(source, 'finetune.epochs', f.epochs, 1, 1000);
    positive(source, 'finetune.lr', f.lr, 10);
    int(source, 'finetune.batchSize', f.batchSize, 2, 4096);
    if (f.enabled && !c.heads.some(hasCircuit))
      fail(source, 'finetune', "needs the 'quantum' head in 'heads' (it fine-tunes the backbone with it)");
  }
  return { ...c, lowData: [...new Set(c.lowData)].sort((a, b) => a - b) };
}
