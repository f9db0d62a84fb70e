/** TTA view `identity`: the image as it is. */
import type { TtaView } from './types.js';

export const identity: TtaView = {
  name: 'identity',
  label: 'as is',
  apply: (x) => x.slice(),
};
