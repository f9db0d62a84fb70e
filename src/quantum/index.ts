/**
 * src/quantum — qmri's own quantum simulator, in TypeScript, batched over samples, float64 typed
 * arrays, no dependencies. No JavaScript quantum library fits: the available ones are general-purpose
 * (one state at a time, object-per-gate, complex-number objects) and orders of magnitude too slow to
 * sit inside a training loop, and none offers batched adjoint VJPs.
 *
 *   circuit.ts      circuit IR (ops with input / weight / const parameters); wire 0 = most significant bit
 *   gates.ts        dense reference gate matrices (PennyLane conventions) the tests check the kernels against
 *   statevector.ts  batched statevector: run(circuit, inputs B×nIn, weights) → State; expvalZ,
 *                   expvalPauli('XZIY'), probabilities, sampleBasis
 *   templates/      registry of circuit templates (strong, basic; one file each), AngleEmbedding, headCircuit({qubits,
 *                   layers, template, embedding, reupload})
 *   adjoint.ts      adjointVjp(circuit, inputs, weights, cotangent) → {expval, gradInputs, gradWeights}
 *   param-shift.ts  paramShiftVjp(circuit, inputs, weights, cotangent, evaluator?) — evaluator is any
 *                   (circuit, inputs, weights, B) → ⟨Z⟩ function, so noisy / finite-shot executors plug in
 *   dressed-head.ts the dressed head (linear → tanh·π/2 → circuit → ⟨Z⟩ → linear) as plain arrays
 *   channels/       registry of noise channels (one file each: Kraus operators, options, label, swept settings)
 *   noise-model.ts  rules attaching channels after gates + readout error; parseNoiseModel(json, field)
 *   density.ts      batched density-matrix simulator (1–8 qubits), readout error, seeded shots;
 *                   evaluateNoisy(circuit, inputs, weights, {noise, shots, seed}) (an Evaluator for parameter shift)
 *   profiles.ts     device profiles (profiles/ideal, heron, eagle .json, or user JSON) → noise models
 *   spec.ts         JSON circuit specs: parseCircuitSpec, evalCircuitSpec (expval + VJP)
 *   export.ts       text and SVG diagrams, OpenQASM 2 / 3 export
 */
export * from './circuit.js';
export * from './gates.js';
export * from './statevector.js';
export * from './templates/index.js';
export * from './adjoint.js';
export * from './param-shift.js';
export * from './dressed-head.js';
export * from './channels/index.js';
export * from './noise-model.js';
export * from './density.js';
export * from './profiles.js';
export * from './spec.js';
export * from './export.js';
