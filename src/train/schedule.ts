/** Learning-rate schedule: linear warm-up then cosine decay to zero. */
export function cosineWithWarmup(
  step: number,
  totalSteps: number,
  warmupSteps: number,
  baseLr: number,
): number {
  if (totalSteps <= 0) return baseLr;
  if (step < warmupSteps) return (baseLr * (step + 1)) / warmupSteps;
  const t = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  return 0.5 * baseLr * (1 + Math.cos(Math.PI * t));
}

/** Inverse-frequency class weights, normalised to mean 1 (absent classes get weight 0). */
export function classWeights(labels: ArrayLike<number>, classes: number): Float32Array {
  const counts = new Float64Array(classes);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const present = counts.filter((c) => c > 0).length;
  const w = new Float32Array(classes);
  for (let c = 0; c < classes; c++) w[c] = counts[c] > 0 ? labels.length / (present * counts[c]) : 0;
  return w;
}

/**
 * The balanced class weights (classWeights) with the named classes' weights multiplied by their
 * boost (backbone.classBoost); a name that is not one of `names` is an error naming it.
 */
export function boostedClassWeights(
  labels: ArrayLike<number>,
  names: readonly string[],
  boost: Readonly<Record<string, number>> = {},
): Float32Array {
  const w = classWeights(labels, names.length);
  for (const [name, factor] of Object.entries(boost)) {
    const c = names.indexOf(name);
    if (c < 0)
      throw new RangeError(
        `backbone.classBoost: no class '${name}' in the data (classes: ${names.join(', ')})`,
      );
    w[c] *= factor;
  }
  return w;
}
