/** CLI flag parsers that take a config key's type and range from its definition (one source of truth). */
import type { TSchema } from '@sinclair/typebox';
import { ConfigError, check, rangeText } from './validate.js';

/** A commander option parser for a numeric key: parses the text, checks it against the key's schema. */
export function flagParser(schema: TSchema, flag: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    const okText = schema.type === 'integer' ? /^\s*-?\d+\s*$/.test(v) : v.trim() !== '';
    try {
      if (!okText || !Number.isFinite(n)) throw new ConfigError('not a number');
      check(schema, n);
    } catch {
      throw new ConfigError(`${flag}: expected ${rangeText(schema as Record<string, unknown>)}, got '${v}'`);
    }
    return n;
  };
}
