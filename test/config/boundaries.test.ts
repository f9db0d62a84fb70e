/**
 * Walks the experiment config's definition (src/config via src/cli EXPERIMENT_SCHEMA) and checks every
 * numeric key at its boundaries: the minimum and maximum are accepted, values just outside are
 * rejected with a message naming the key and its allowed range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPERIMENT_SCHEMA } from '../../src/cli/config.js';
import { rangeText, resolve } from '../../src/config/index.js';
import { parseSeed, parseThreads } from '../../src/cli/options.js';

type Node = Record<string, unknown>;
interface NumericKey {
  path: (string | number)[];
  node: Node;
}

/** Every integer / number key reachable through object properties and array items (not through unions). */
function numericKeys(node: Node, path: (string | number)[] = []): NumericKey[] {
  if (node.type === 'integer' || node.type === 'number') return [{ path, node }];
  if (node.type === 'object')
    return Object.entries((node.properties as Record<string, Node>) ?? {}).flatMap(([k, v]) =>
      numericKeys(v, [...path, k]),
    );
  if (node.type === 'array') return numericKeys(node.items as Node, [...path, 0]);
  return [];
}

/** A value that fits `node` (the smallest one), for the required siblings of the key under test. */
function sample(node: Node): unknown {
  if (node.default !== undefined) return structuredClone(node.default);
  switch (node.type) {
    case 'integer':
      return (node.minimum as number | undefined) ?? (node.exclusiveMinimum as number) + 1;
    case 'number':
      return (node.minimum as number | undefined) ?? (node.exclusiveMinimum as number) + 1e-3;
    case 'boolean':
      return false;
    case 'string':
      return Array.isArray(node.enum) ? node.enum[0] : 'x';
    case 'array':
      return Array.from({ length: (node.minItems as number) ?? 0 }, () => sample(node.items as Node));
    case 'object':
      return Object.fromEntries(
        ((node.required as string[]) ?? []).map((k) => [
          k,
          sample((node.properties as Record<string, Node>)[k]),
        ]),
      );
  }
  return undefined;
}

/** The config with `value` at `path`, every object / array on the way built from samples. */
function configWith(path: (string | number)[], value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let obj: Record<string | number, unknown> = root;
  let node = EXPERIMENT_SCHEMA as unknown as Node;
  path.forEach((k, i) => {
    const parent = node;
    node = typeof k === 'number' ? (node.items as Node) : (node.properties as Record<string, Node>)[k];
    if (i < path.length - 1) {
      const next = sample(node) as Record<string | number, unknown>;
      obj[k] = next;
      obj = next;
    } else if (typeof k === 'number') {
      // an array key: as many copies as the list needs
      (obj as unknown as unknown[]).length = 0;
      for (let j = 0; j < Math.max(1, (parent.minItems as number) ?? 1); j++) obj[j] = value;
    } else obj[k] = value;
  });
  return root;
}

const keyName = (path: (string | number)[]) =>
  path.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${k}` : k), '');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const eps = (b: number) => Math.max(1e-9, Math.abs(b) * 1e-9);

test('every numeric key accepts its minimum and maximum and rejects values just outside, naming key and range', () => {
  const keys = numericKeys(EXPERIMENT_SCHEMA as unknown as Node);
  assert.ok(keys.length >= 40, `only ${keys.length} numeric keys found`);
  for (const { path, node } of keys) {
    const name = keyName(path);
    const range = rangeText(node);
    const int = node.type === 'integer';
    const accept = (v: number) =>
      assert.doesNotThrow(() => resolve(EXPERIMENT_SCHEMA, configWith(path, v)), `${name} = ${v}`);
    const reject = (v: number) =>
      assert.throws(
        () => resolve(EXPERIMENT_SCHEMA, configWith(path, v)),
        new RegExp(`(^|\\s)${escape(name)}: must be ${escape(range)}, got ${escape(JSON.stringify(v))}`),
        `${name} = ${v} should be refused`,
      );
    const [lo, loOpen] =
      node.exclusiveMinimum !== undefined
        ? [node.exclusiveMinimum as number, true]
        : [node.minimum as number, false];
    const [hi, hiOpen] =
      node.exclusiveMaximum !== undefined
        ? [node.exclusiveMaximum as number, true]
        : [node.maximum as number | undefined, false];
    assert.ok(lo !== undefined, `${name}: no lower bound`);
    if (loOpen) {
      reject(lo);
      accept(int ? lo + 1 : lo + eps(lo));
    } else {
      accept(lo);
      reject(int ? lo - 1 : lo - eps(lo));
    }
    if (hi === undefined) continue;
    if (hiOpen) {
      reject(hi);
      accept(int ? hi - 1 : hi - eps(hi));
    } else {
      accept(hi);
      reject(int ? hi + 1 : hi + eps(hi));
    }
    if (int) reject(lo + 0.5);
  }
});

test('CLI flags that set config keys take the range from the definition', () => {
  assert.equal(parseThreads('256'), 256);
  assert.throws(() => parseThreads('257'), /--threads: expected an integer in \[1, 256\], got '257'/);
  assert.throws(() => parseThreads('1.5'), /--threads: expected an integer in \[1, 256\]/);
  assert.equal(parseSeed('0'), 0);
  assert.throws(() => parseSeed('-1'), /--seed: expected an integer in \[0, 2147483647\], got '-1'/);
});
