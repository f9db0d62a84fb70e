/**
 * Deterministic tensor release. N-API finalizers only run when the event loop turns, so a tight
 * training loop cannot rely on GC: `tidy(fn)` disposes every tensor created inside `fn` except those
 * it returns (or marks with `keep`). Scopes nest; tensors created outside any scope are the caller's
 * to dispose (module parameters, for instance).
 */
export interface Disposable {
  dispose(): void;
  readonly disposed: boolean;
}

const scopes: Set<Disposable>[] = [];

export function track<T extends Disposable>(t: T): T {
  const top = scopes[scopes.length - 1];
  if (top) top.add(t);
  return t;
}

/** Remove a tensor from the current scopes so it survives them. */
export function keep<T extends Disposable>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

function collect(value: unknown, out: Set<Disposable>, depth = 0): void {
  if (value === null || value === undefined || depth > 4) return;
  if (typeof value === 'object' && 'dispose' in value && 'disposed' in value) {
    out.add(value as Disposable);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, out, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collect(v, out, depth + 1);
  else if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    for (const v of Object.values(value)) collect(v, out, depth + 1);
}

export function tidy<T>(fn: () => T): T {
  const scope = new Set<Disposable>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw err;
  }
  scopes.pop();
  if (result instanceof Promise) throw new Error('tidy: the function must be synchronous');
  const kept = new Set<Disposable>();
  collect(result, kept);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (kept.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}

export function scopeDepth(): number {
  return scopes.length;
}
