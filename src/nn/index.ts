/**
 * src/nn — models defined in TypeScript on the engine: a small Module system with PyTorch-style
 * state-dict names, basic layers (Linear, Conv2d, BatchNorm2d), DenseNet121 exactly as torchvision
 * builds it (pluggable head, feature-map capture for Grad-CAM, .safetensors weight import), and
 * ExternalFunction, which plugs a TypeScript-computed function into autograd, QuantumLayer (the
 * variational circuit as a layer, adjoint or parameter-shift gradients) and the classification heads
 * (linear, parameter-matched bottleneck, dressed quantum).
 *
 *   const net = densenet121(4);                 // or new DenseNet({ growthRate: 8, blockConfig: [2, 2], ... })
 *   net.loadWeights('densenet121.safetensors', { skipClassifier: true });
 *   const { featureMap, pooled, logits, captured } = net.forwardAll(x, { capture: ['features'] });
 */
export * from './module.js';
export * from './layers.js';
export * from './densenet.js';
export * from './external-function.js';
export * from './quantum-layer.js';
export * from './heads.js';
