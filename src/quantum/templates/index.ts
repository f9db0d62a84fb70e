/**
 * Circuit templates: the registry of entangling layers a quantum head can use, and the head circuit
 * built from one (PennyLane conventions and weight shapes; weights flattened row-major).
 *   template.ts  what a template is (CircuitTemplate) and AngleEmbedding
 *   strong.ts    StronglyEntanglingLayers        basic.ts  BasicEntanglerLayers
 * Adding a template = one file exporting `defineTemplate({ name, label, weightShape, layer })` and one
 * line in TEMPLATES below; configs, specs, the CLI and exported heads pick it up by name.
 */
import type { Circuit, Op } from '../circuit.js';
import { basic } from './basic.js';
import { strong } from './strong.js';
import { angleEmbedding, type CircuitTemplate, type Rotation } from './template.js';

export { angleEmbedding, defineTemplate, type CircuitTemplate, type Rotation } from './template.js';
export { basicEntanglerLayer } from './basic.js';
export { stronglyEntanglingLayer } from './strong.js';

/** Every template, by name (the first is the default). */
export const TEMPLATES = { strong, basic } as const;
export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];
export const ROTATIONS: readonly Rotation[] = ['X', 'Y', 'Z'];

/** The template called `name`; the error names the field and the known templates. */
export function templateOf(name: unknown, field = 'template'): CircuitTemplate {
  if (typeof name !== 'string' || !Object.hasOwn(TEMPLATES, name))
    throw new Error(
      `${field}: must be ${TEMPLATE_NAMES.map((t) => `"${t}"`).join(' or ')}, got ${JSON.stringify(name)}`,
    );
  return TEMPLATES[name as TemplateName];
}

export interface HeadCircuitConfig {
  qubits: number;
  layers: number;
  template?: TemplateName;
  embedding?: Rotation;
  /** repeat the embedding before every layer (data re-uploading) */
  reupload?: boolean;
}

/** Weight shape of a template. */
export function weightShape(template: TemplateName, layers: number, qubits: number): number[] {
  return templateOf(template).weightShape(layers, qubits);
}

/** The head circuit: AngleEmbedding then the entangling template (embedding before every layer with re-uploading). */
export function headCircuit(cfg: HeadCircuitConfig): Circuit {
  const { qubits: n, layers } = cfg;
  const emb = cfg.embedding ?? 'X';
  if (!Number.isInteger(n) || n < 1 || n > 12)
    throw new RangeError(`qubits: must be an integer in [1, 12], got ${n}`);
  if (!Number.isInteger(layers) || layers < 1 || layers > 100)
    throw new RangeError(`layers: must be an integer in [1, 100], got ${layers}`);
  const template = templateOf(cfg.template ?? 'strong');
  if (!ROTATIONS.includes(emb))
    throw new Error(`embedding: must be "X", "Y" or "Z", got ${JSON.stringify(emb)}`);
  const ops: Op[] = [];
  for (let l = 0; l < layers; l++) {
    if (l === 0 || cfg.reupload) ops.push(...angleEmbedding(n, emb));
    ops.push(...template.layer(n, l, 0));
  }
  const nWeights = template.weightShape(layers, n).reduce((a, b) => a * b, 1);
  return { nQubits: n, nInputs: n, nWeights, ops };
}
