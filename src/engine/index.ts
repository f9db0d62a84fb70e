/**
 * src/engine — the tensor engine: libtorch (Debian's libtorch-dev) behind a thin N-API addon
 * (native/src/*.cc, binding table in native/src/binding.cc). All CNN math, autograd and optimizers run in libtorch; this folder gives
 * TypeScript a small, explicit API over it:
 *
 *   Tensor            float32/int64 tensors: Tensor.from(Float32Array, shape), toFloat32Array(),
 *                     elementwise/reduction/shape methods, autograd (setRequiresGrad, backward(grad?),
 *                     grad, setGrad, retainGrad, detach), dispose().
 *   ops               conv2d, batchNorm, linear, maxPool2d, avgPool2d, adaptiveAvgPool2d, cat,
 *                     dropout, interpolateBilinear, crossEntropy (class weights, label smoothing), ...
 *   tidy / keep       deterministic release: tensors created inside tidy(fn) are freed when it
 *                     returns, except the ones returned or kept (finalizers are only a safety net).
 *   noGrad            run without recording autograd (per thread).
 *   SGD/Adam/AdamW    torch::optim optimizers with setLr() and byte-exact state export for resume.
 *   ProcessGroup      data-parallel collectives through c10d (Gloo; NCCL on the same path): bucketed
 *                     gradient allreduce, broadcast, barrier; distOptionsFromEnv (RANK, WORLD_SIZE, ...).
 *   safetensors       read/write .safetensors (F32, I64), atomic writes.
 *   runtime           setNumThreads, manualSeed, get/setRngState, memory(), trimMemory().
 *   device            the device as a setting: withDevice('cpu'|'cuda[:n]', fn) (new tensors go there),
 *                     withDeviceCheck (device-tagging assertion, proves the plumbing on CPU).
 *   applyExternal     a function computed in TypeScript (the quantum circuit) as a libtorch autograd
 *                     node: loss.backward() calls its VJP on this thread.
 *   scoped            withRuntime({threads, seed}, fn): those settings for one call, then restored.
 *   linalg            centredGramSolve, matmulF64, unaryF64InPlace: Kernel SHAP's constrained normal
 *                     equations, float64 product and tanh/exp on typed arrays (LAPACK/BLAS/libtorch).
 *
 * Memory: keep training steps inside tidy(); run the CLI through bin/qmri, which preloads jemalloc and
 * sets OMP_WAIT_POLICY=PASSIVE (see scripts/env.sh). Errors from libtorch arrive as JavaScript Errors
 * with libtorch's message; the process never aborts on bad input.
 */
export * from './tensor.js';
export * from './ops.js';
export * from './scope.js';
export * from './external.js';
export * from './optim.js';
export * from './runtime.js';
export * from './device.js';
export * from './distributed.js';
export * from './scoped.js';
export * from './safetensors.js';
export * from './linalg.js';
