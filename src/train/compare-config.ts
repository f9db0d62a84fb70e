/**
 * Head-comparison settings (`CompareConfig`): defined, with every key's range and default, in
 * src/config (compareStageSchema over the head kinds below); resolved here before any feature is
 * read. Every head gets the same optimizer budget: AdamW, the same epochs, learning rate, batch size,
 * warm-up + cosine schedule and early-stopping patience.
 */
import {
  ConfigError,
  checkCompare,
  compareStageSchema,
  resolve,
  type CompareConfig as Config,
} from '../config/index.js';
import { headKinds, type HeadKind } from '../heads/index.js';

/** The built-in head kinds (the registry, src/heads, at start-up). */
export const HEAD_KINDS: readonly HeadKind[] = headKinds();

/** The schema over the kinds registered now (a test or a plug-in may register one more). */
let cached: { kinds: string; schema: ReturnType<typeof compareStageSchema<HeadKind>> } | undefined;
function schema() {
  const kinds = headKinds();
  if (cached?.kinds !== kinds.join()) cached = { kinds: kinds.join(), schema: compareStageSchema(kinds) };
  return cached.schema;
}

export type CompareConfig = Config<HeadKind>;
export type FinetuneConfig = NonNullable<CompareConfig['finetune']>;

export function resolveCompareConfig(
  partial: Partial<CompareConfig> | undefined,
  source = 'compare config',
): CompareConfig {
  const c = resolve(schema(), partial, { source });
  try {
    checkCompare(c, '');
  } catch (e) {
    throw new ConfigError(`${source}: ${(e as Error).message}`);
  }
  return { ...c, lowData: [...new Set(c.lowData)].sort((a, b) => a - b) };
}

export const DEFAULT_COMPARE: CompareConfig = resolveCompareConfig({});
