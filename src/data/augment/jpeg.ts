/**
 * `jpeg`: JPEG re-compression at a quality drawn per image (jpeg-js): the image's 3 channels mapped
 * by its own min/max to 0–255 (as R, G, B), encoded, decoded, mapped back.
 */
import jpegJs from 'jpeg-js';
import { closed, int } from '../../config/kit.js';
import { imageRange, plane } from './planes.js';
import { defineImageKind, ordered } from './types.js';

export const jpeg = defineImageKind({
  name: 'jpeg',
  description: 'JPEG re-compression at a random quality',
  options: closed({
    /** lowest quality (1–100) */
    qualityMin: int(1, 100, 30),
    /** highest quality */
    qualityMax: int(1, 100, 95),
  }),
  p: 0.3,
  validate: (o) => ordered('qualityMin', o.qualityMin, 'qualityMax', o.qualityMax),
  apply(b, i, o) {
    const quality = o.qualityMin + b.rng.int(o.qualityMax - o.qualityMin + 1);
    const { lo, hi } = imageRange(b, i);
    if (!(hi > lo)) return;
    const S = b.size;
    const planes = [0, 1, 2].map((c) => plane(b, i, c));
    const rgba = new Uint8Array(4 * S * S);
    for (let k = 0; k < S * S; k++) {
      for (let c = 0; c < 3; c++) rgba[4 * k + c] = Math.round((255 * (planes[c][k] - lo)) / (hi - lo));
      rgba[4 * k + 3] = 255;
    }
    const enc = jpegJs.encode({ data: rgba, width: S, height: S }, quality);
    const dec = jpegJs.decode(enc.data, { useTArray: true, formatAsRGBA: true });
    for (let k = 0; k < S * S; k++)
      for (let c = 0; c < 3; c++) planes[c][k] = lo + (dec.data[4 * k + c] / 255) * (hi - lo);
  },
});
