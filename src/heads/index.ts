/**
 * src/heads — the head kinds, each one file exporting one HeadDef (types.ts): creation, parameter
 * count, export/import as plain JSON, validation, the TypeScript forward, the split SHAP explains
 * through and (quantum heads) the circuit the noise study runs.
 *   linear.ts      1,024→classes (the classical baseline)
 *   bottleneck.ts  1,024→n→tanh→hidden→tanh→classes, parameter-matched to the quantum head
 *   quantum.ts     the dressed circuit head
 *   plain.ts       plain-array linear layers the kinds share
 *   registry.ts    HEADS, registerHead, headDef, headProbs, splitHead, … (what other folders call)
 * Adding a head kind = one new file + one line in HEADS (registry.ts), or registerHead at run time.
 * Nothing outside this folder switches on a head kind: it asks the registry.
 */
export * from './registry.js';
export * from './types.js';
export * from './plain.js';
export * from './linear.js';
export * from './bottleneck.js';
export * from './quantum.js';
