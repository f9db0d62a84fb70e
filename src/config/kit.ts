/**
 * The building blocks of every config definition (TypeBox, so one definition gives both the JSON
 * schema that validates and the TypeScript type): integers and numbers with their range and default,
 * closed objects, lists of registry names. A key's range is written once, here, where it is defined.
 */
import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';

/** Largest seed a config accepts (libtorch / Rng seeds are 31-bit). */
export const MAX_SEED = 2 ** 31 - 1;

const range = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** An integer in [minimum, maximum] (no upper bound when maximum is undefined). */
export const int = (minimum: number, maximum?: number, def?: number) =>
  Type.Integer(range({ minimum, maximum, default: def }));

/** A number in [minimum, maximum]; `open` makes either end exclusive ('min', 'max' or 'both'). */
export function num(minimum: number, maximum?: number, def?: number, open?: 'min' | 'max' | 'both') {
  const o: Record<string, unknown> = range({ default: def });
  o[open === 'min' || open === 'both' ? 'exclusiveMinimum' : 'minimum'] = minimum;
  if (maximum !== undefined) o[open === 'max' || open === 'both' ? 'exclusiveMaximum' : 'maximum'] = maximum;
  return Type.Number(o);
}

/** A learning rate: a number in (0, 10]. */
export const lr = (def?: number) => num(0, 10, def, 'min');

export const bool = (def?: boolean) => Type.Boolean(range({ default: def }));
export const str = (def?: string) => Type.String(range({ minLength: 1, default: def }));

/** One of `names` (typed as their union). */
export const oneOf = <N extends string>(names: readonly N[], def?: N): TUnsafe<N> =>
  Type.Unsafe<N>(range({ type: 'string', enum: [...names], default: def }));

/** A non-empty list of distinct names from `names`. */
export const nameList = <N extends string>(names: readonly N[], def?: readonly N[]) =>
  Type.Array(oneOf(names), range({ minItems: 1, uniqueItems: true, default: def ? [...def] : undefined }));

/** A closed object (unknown keys are errors); as a section it defaults to {} so its defaults fill in (null: no default). */
export const closed = <P extends Record<string, TSchema>>(properties: P, def: object | null = {}) =>
  Type.Object(properties, range({ additionalProperties: false, default: def ?? undefined }));
