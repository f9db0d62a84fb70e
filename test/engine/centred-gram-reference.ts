// The matrix that centredGramSolve factors, built the slow obvious way (full, float64): shared by the
// engine test and the Kernel SHAP test at d = 1,024.
export function centredGramReference(
  sets: Iterable<ArrayLike<number>>,
  w: ArrayLike<number>,
  n: number,
  ridge: number,
): Float64Array {
  const a = new Float64Array(n * n);
  let r = 0;
  for (const s of sets) {
    for (let p = 0; p < s.length; p++) for (let q = 0; q < s.length; q++) a[s[p] * n + s[q]] += w[r];
    r++;
  }
  const mean = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) mean[i] += a[i * n + j] / n;
  const all = mean.reduce((x, y) => x + y, 0) / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += all - mean[i] - mean[j];
  let alpha = 0;
  for (let i = 0; i < n; i++) alpha += a[i * n + i] / n;
  if (!(alpha > 0)) alpha = 1;
  for (let i = 0; i < n * n; i++) a[i] += alpha / n;
  for (let i = 0; i < n; i++) a[i * n + i] += ridge * alpha;
  return a;
}
