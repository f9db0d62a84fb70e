/**
 * Validation of a config value against its definition (ajv on the TypeBox schema), with messages
 * that name the key and its allowed range ("compare.qubits: must be an integer in [2, 12], got 40";
 * "unknown key 'backbone.epocs' (did you mean 'epochs'?)"). `resolve` fills in defaults on a copy
 * (keys with a default may be omitted); `check` validates a complete value as it is.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Static, TSchema } from '@sinclair/typebox';

/** A config value that breaks its definition; the message names the key and the rule. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Node = Record<string, unknown>;

/** The schema an input is checked against: keys with a default need not be given. */
function inputSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(inputSchema);
  if (!s || typeof s !== 'object') return s;
  const out: Node = {};
  for (const [k, v] of Object.entries(s)) out[k] = inputSchema(v);
  const props = (s as Node).properties as Record<string, Node> | undefined;
  if (props && Array.isArray(out.required))
    out.required = (out.required as string[]).filter((k) => props[k]?.default === undefined);
  if (Array.isArray(out.required) && !(out.required as string[]).length) delete out.required;
  return out;
}

const ajvResolve = new Ajv({ useDefaults: true, allErrors: true, strict: true, verbose: true });
const ajvCheck = new Ajv({ allErrors: true, strict: true, verbose: true });
const compiled = new WeakMap<TSchema, { resolve: ValidateFunction; check: ValidateFunction }>();

function validators(schema: TSchema) {
  let v = compiled.get(schema);
  if (!v) {
    // a default only means something below the root (ajv's strict mode says so)
    const { default: _d, ...root } = schema;
    v = { resolve: ajvResolve.compile(inputSchema(root) as object), check: ajvCheck.compile(root) };
    compiled.set(schema, v);
  }
  return v;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      const same = a[i - 1].toLowerCase() === b[j - 1].toLowerCase();
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (same ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}

/** The closest of `options` to `word`, when it is close enough to be a likely typo. */
export function didYouMean(word: string, options: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const dist = editDistance(word, o);
    if (dist < bestD) [best, bestD] = [o, dist];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** The allowed values of a number / integer schema, e.g. "an integer in [2, 12]", "a number in (0, 10]". */
export function rangeText(s: Node): string {
  const what = s.type === 'integer' ? 'an integer' : 'a number';
  const lo = s.exclusiveMinimum ?? s.minimum;
  const hi = s.exclusiveMaximum ?? s.maximum;
  if (lo === undefined && hi === undefined) return what;
  if (hi === undefined) return `${what} ${s.exclusiveMinimum !== undefined ? '>' : '≥'} ${lo}`;
  if (lo === undefined) return `${what} ${s.exclusiveMaximum !== undefined ? '<' : '≤'} ${hi}`;
  return `${what} in ${s.exclusiveMinimum !== undefined ? '(' : '['}${lo}, ${hi}${s.exclusiveMaximum !== undefined ? ')' : ']'}`;
}

/** What a schema node accepts, in words. */
export function allowedText(s: Node): string {
  if (typeof s.description === 'string') return s.description;
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (s.type === 'integer' || s.type === 'number') return rangeText(s);
  if (s.type === 'boolean') return 'true or false';
  if (s.type === 'string') return 'a non-empty string';
  if (s.type === 'array') return `a list${s.minItems ? ` of at least ${s.minItems}` : ''}`;
  if (s.type === 'object') return `an object { ${Object.keys((s.properties as Node) ?? {}).join(', ')} }`;
  if (Array.isArray(s.anyOf)) return (s.anyOf as Node[]).map(allowedText).join(', or ');
  return 'valid';
}

const keyPath = (prefix: string, instancePath: string) =>
  instancePath
    .replace(/^\//, '')
    .split('/')
    .filter(Boolean)
    .reduce((p, k) => (/^\d+$/.test(k) ? `${p}[${k}]` : p ? `${p}.${k}` : k), prefix) || '(top level)';

function describe(e: ErrorObject, prefix: string): string {
  const at = keyPath(prefix, e.instancePath);
  const s = (e.parentSchema ?? {}) as Node;
  const got = ` got ${JSON.stringify(e.data)}`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const full = at === '(top level)' ? key : `${at}.${key}`;
      const allowed = Object.keys((s.properties as Node) ?? {});
      const guess = didYouMean(key, allowed);
      return `unknown key '${full}'${guess ? ` (did you mean '${guess}'?)` : ''}; allowed here: ${allowed.join(', ')}`;
    }
    case 'required':
      return `${at}: missing required key '${(e.params as { missingProperty: string }).missingProperty}'`;
    case 'minItems':
    case 'maxItems':
      return `${at}: must have ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${(e.params as { limit: number }).limit} item(s),${got}`;
    case 'uniqueItems':
      return `${at}: lists a value twice,${got}`;
    default:
      return `${at}: must be ${allowedText(s)},${got}`;
  }
}

function fail(errors: ErrorObject[], source: string, prefix: string): never {
  // an anyOf stands for its branches' errors (they say less); an unknown key comes first
  const anyOf = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath);
  const under = (e: ErrorObject) =>
    e.keyword !== 'anyOf' && anyOf.some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`));
  const problems = errors.filter((e) => !under(e));
  const first = problems.find((e) => e.keyword === 'additionalProperties') ?? problems[0];
  const rest = problems.length - 1;
  const more = rest > 0 ? ` (and ${rest} more problem${rest > 1 ? 's' : ''})` : '';
  throw new ConfigError(
    `${source ? `${source}: ` : ''}${first ? describe(first, prefix) : 'invalid'}${more}`,
  );
}

/** Where a value sits, for messages: the file or caller (`source`) and the key path (`prefix`). */
export interface Where {
  source?: string;
  prefix?: string;
}

const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A copy of `raw` with defaults filled in, validated against `schema`. */
export function resolve<S extends TSchema>(schema: S, raw: unknown, where: Where = {}): Static<S> {
  const { source = '', prefix = '' } = where;
  if (raw === undefined) raw = {};
  if (schema.type === 'object' && !isObject(raw))
    throw new ConfigError(
      `${source ? `${source}: ` : ''}${prefix || '(top level)'}: must be an object, got ${JSON.stringify(raw)}`,
    );
  const copy = structuredClone(raw);
  const v = validators(schema).resolve;
  if (!v(copy)) fail(v.errors ?? [], source, prefix);
  return copy as Static<S>;
}

/** Throws a ConfigError unless `value` (complete, nothing filled in) fits `schema`. */
export function check<S extends TSchema>(
  schema: S,
  value: unknown,
  where: Where = {},
): asserts value is Static<S> {
  const v = validators(schema).check;
  if (!v(value)) fail(v.errors ?? [], where.source ?? '', where.prefix ?? '');
}
