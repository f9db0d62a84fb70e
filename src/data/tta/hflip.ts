/** TTA view `hflip`: the image mirrored left–right (every row reversed, in every channel). */
import type { TtaView } from './types.js';

export const hflip: TtaView = {
  name: 'hflip',
  label: 'mirrored left–right',
  apply(x, m, shape) {
    const w = shape[shape.length - 1];
    const per = shape.reduce((a, b) => a * b, 1);
    const out = x.slice(0, m * per);
    for (let o = 0; o < m * per; o += w) out.subarray(o, o + w).reverse();
    return out;
  },
};
