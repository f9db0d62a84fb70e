/**
 * Sidecar files beside an image NAME.ext: a YOLO box file NAME.txt (`class xc yc w h`, normalised;
 * empty = no tumor; several lines = their union) and a mask NAME.mask.png.
 */
import { DataError } from './errors.js';
import type { Box } from './types.js';

const TOL = 1e-3;

export function parseYoloBoxes(text: string, name: string): Box | null {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (lines.length === 0) return null;
  let box: Box | null = null;
  lines.forEach((line, i) => {
    const parts = line.split(/\s+/);
    const nums = parts.map(Number);
    if (parts.length !== 5 || nums.some((v) => !Number.isFinite(v)))
      throw new DataError(
        name,
        'invalid',
        `line ${i + 1}: expected 'class x_center y_center width height', got '${line.slice(0, 60)}'`,
      );
    const [, xc, yc, w, h] = nums;
    if (!(w > 0 && h > 0))
      throw new DataError(name, 'invalid', `line ${i + 1}: box width and height must be > 0`);
    const b: Box = [xc - w / 2, yc - h / 2, xc + w / 2, yc + h / 2];
    if (b[0] < -TOL || b[1] < -TOL || b[2] > 1 + TOL || b[3] > 1 + TOL)
      throw new DataError(
        name,
        'invalid',
        `line ${i + 1}: box [${b.map((v) => v.toFixed(3)).join(', ')}] lies outside the image [0, 1]`,
      );
    const c = b.map((v) => Math.min(1, Math.max(0, v))) as Box;
    box = box
      ? [Math.min(box[0], c[0]), Math.min(box[1], c[1]), Math.max(box[2], c[2]), Math.max(box[3], c[3])]
      : c;
  });
  return box;
}

/** NAME.jpg → NAME (and NAME.nii.gz → NAME). */
export function stemOf(file: string): string {
  return file.replace(/\.nii\.gz$/i, '').replace(/\.[^./\\]+$/, '');
}

export const boxFileOf = (image: string): string => `${stemOf(image)}.txt`;
export const maskFileOf = (image: string): string => `${stemOf(image)}.mask.png`;
