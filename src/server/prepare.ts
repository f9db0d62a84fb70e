/**
 * A decoded slice → the model's input: resized to the run's input size (sharp, bilinear), then the
 * run's normalisation ('zscore' per image, or ImageNet mean/std), replicated to 3 channels. Also the
 * S×S display image in [0, 1] that overlays are drawn on.
 */
import sharp from 'sharp';
import type { DecodedSlice } from './decode.js';

export interface ModelImage {
  /** 3×S×S normalised model input */
  input: Float32Array;
  /** S×S grayscale in [0, 1] */
  display: Float32Array;
  size: number;
}

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

export async function toModelImage(
  s: Pick<DecodedSlice, 'gray' | 'width' | 'height'>,
  size: number,
  normalize: string = 'zscore',
): Promise<ModelImage> {
  const u8 = Buffer.alloc(s.gray.length);
  for (let i = 0; i < u8.length; i++) u8[i] = Math.round(Math.min(1, Math.max(0, s.gray[i])) * 255);
  const { data: px, info } = await sharp(u8, { raw: { width: s.width, height: s.height, channels: 1 } })
    .resize(size, size, { fit: 'fill', kernel: 'linear' })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const per = size * size;
  if (info.width !== size || info.height !== size || info.channels !== 1)
    throw new Error(`resize gave ${info.width}×${info.height}×${info.channels}, expected ${size}×${size}×1`);
  const display = new Float32Array(per);
  for (let i = 0; i < per; i++) display[i] = px[i] / 255;
  const input = new Float32Array(3 * per);
  if (normalize === 'imagenet') {
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < per; i++) input[c * per + i] = (display[i] - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
  } else {
    let m = 0;
    for (const v of display) m += v;
    m /= per;
    let sd = 0;
    for (const v of display) sd += (v - m) ** 2;
    sd = Math.sqrt(sd / per) || 1;
    for (let c = 0; c < 3; c++) for (let i = 0; i < per; i++) input[c * per + i] = (display[i] - m) / sd;
  }
  return { input, display, size };
}
