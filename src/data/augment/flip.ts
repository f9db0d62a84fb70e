/** `flip`: horizontal mirror of an image (its channels and mask); p is the flip probability. */
import { closed } from '../../config/kit.js';
import { maskPlane, plane } from './planes.js';
import { defineImageKind } from './types.js';

export const flip = defineImageKind({
  name: 'flip',
  description: 'horizontal flip',
  options: closed({}),
  p: 0.5,
  apply(b, i) {
    const S = b.size;
    const planes = [0, 1, 2].map((c) => plane(b, i, c));
    const mask = maskPlane(b, i);
    if (mask) planes.push(mask);
    for (const img of planes) for (let r = 0; r < S; r++) img.subarray(r * S, (r + 1) * S).reverse();
  },
});
