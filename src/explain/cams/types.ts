/**
 * What a CAM method is (one registry entry, see index.ts) and what it is given: the model of one
 * explained head (backbone + head module), the image, the explained class, and lazily computed,
 * cached gradient passes, so that methods asked for together share one forward/backward per layer.
 */
import type { DenseNet, HeadModule } from '../../nn/index.js';
import type { Activations } from '../cam-base.js';
import type { MethodEntry } from '../method-entry.js';

export interface CamMap {
  method: string;
  /** size×size in [0, 1] */
  map: Float32Array;
  /** the map at its own resolution (h×w), after the ReLU, before upsampling and scaling */
  raw: Float64Array;
  h: number;
  w: number;
}

export interface CamOptions {
  /** the layer of the single-layer methods (default: the final feature map, 'features') */
  layer: string;
  /** LayerCAM's fused layers */
  layerCamLayers: string[];
  /** Score-CAM: images per forward batch */
  scoreCamBatch: number;
  /** Integrated Gradients: Riemann steps from the baseline (a zero image: the normalised mean) */
  igSteps: number;
  /**
   * Integrated Grad-CAM: midpoint steps along the path through the head alone (cheap; a saturated
   * tanh encoder switches within ~1/20 of the path, so 16 steps miss completeness by ~90%, 256 by <1%)
   */
  pathSteps: number;
}

export const DEFAULT_CAM_OPTIONS: CamOptions = {
  layer: 'features',
  layerCamLayers: ['features.denseblock2', 'features.denseblock3', 'features'],
  scoreCamBatch: 32,
  igSteps: 16,
  pathSteps: 256,
};

export interface CamContext {
  net: DenseNet;
  head: HeadModule;
  /** 3×size×size, the model input */
  input: Float32Array;
  size: number;
  targetClass: number;
  classes: number;
  options: CamOptions;
  /** activations and target-logit gradients at `layer` (cached per layer) */
  grads(layer: string): Activations;
  /** logits (B×classes) of B images through this model, without gradients */
  logits(images: Float32Array, B: number): Float32Array;
}

/** A CAM method: its MethodEntry (name, label, description, the CamOptions keys it reads) and how it computes. */
export interface CamMethod extends MethodEntry<keyof CamOptions> {
  /** needs gradients through the head (false: works through any head, forward passes only) */
  gradient: boolean;
  /** layers it reads besides `options.layer`: captured in the same gradient pass (LayerCAM's fused ones) */
  layers?(o: CamOptions): string[];
  compute(ctx: CamContext): CamMap;
}
