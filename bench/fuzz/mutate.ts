/**
 * The fuzz cases, as fast-check arbitraries: mutations of real seed files (bit flips, interesting
 * integers written over header fields, inserted / deleted / duplicated byte runs, truncation,
 * splices of two seeds), random bytes behind a real signature, and plain random bytes. Positions
 * lean to the first 512 bytes, where the headers are.
 */
import fc from 'fast-check';

export interface Seed {
  name: string;
  bytes: Uint8Array;
}

/** Values that break size and offset arithmetic: zero, one, sign bits, maxima. */
const INTERESTING = [
  0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 64, 127, 128, 255, 256, 348, 540, 1024, 4095, 4096, 32767, 32768,
  65535, 65536, 0x7fffffff, 0x80000000, 0xffffffff,
];

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'byte'; at: number; value: number }
  | { op: 'int'; at: number; width: 1 | 2 | 4; value: number; le: boolean }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; len: number }
  | { op: 'dup'; at: number; len: number; to: number }
  | { op: 'truncate'; at: number };

const pos = fc.oneof({ weight: 3, arbitrary: fc.nat(511) }, { weight: 2, arbitrary: fc.nat() });

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: pos, bit: fc.nat(7) }),
  fc.record({ op: fc.constant('byte' as const), at: pos, value: fc.nat(255) }),
  fc.record({
    op: fc.constant('int' as const),
    at: pos,
    width: fc.constantFrom(1 as const, 2 as const, 4 as const),
    value: fc.constantFrom(...INTERESTING),
    le: fc.boolean(),
  }),
  fc.record({ op: fc.constant('insert' as const), at: pos, bytes: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({ op: fc.constant('delete' as const), at: pos, len: fc.nat(256) }),
  fc.record({ op: fc.constant('dup' as const), at: pos, len: fc.nat(256), to: pos }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function apply(b: Uint8Array, m: Mutation): Uint8Array {
  const n = b.length;
  if (n === 0) return m.op === 'insert' ? m.bytes : b;
  const at = m.at % n;
  switch (m.op) {
    case 'flip':
      b[at] ^= 1 << m.bit;
      return b;
    case 'byte':
      b[at] = m.value;
      return b;
    case 'int':
      for (let k = 0; k < m.width && at + k < n; k++)
        b[at + k] = (m.value >>> (8 * (m.le ? k : m.width - 1 - k))) & 0xff;
      return b;
    case 'insert':
      return concat(b.subarray(0, at), m.bytes, b.subarray(at));
    case 'delete':
      return concat(b.subarray(0, at), b.subarray(Math.min(n, at + m.len)));
    case 'dup': {
      const piece = b.slice(at, Math.min(n, at + m.len));
      const to = m.to % n;
      return concat(b.subarray(0, to), piece, b.subarray(to));
    }
    case 'truncate':
      return b.subarray(0, at);
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One case: a mutated seed (most), two seeds spliced, a seed's signature + random bytes, or random bytes. */
export function casesOf(seeds: readonly Seed[], extra?: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const seed = fc.nat(seeds.length - 1).map((i) => seeds[i].bytes);
  const mutated = fc
    .tuple(seed, fc.array(mutationArb, { minLength: 1, maxLength: 8 }))
    .map(([s, ms]) => ms.reduce(apply, Uint8Array.from(s)));
  const spliced = fc
    .tuple(seed, seed, fc.nat(), fc.nat())
    .map(([a, b, i, j]) => concat(a.subarray(0, i % (a.length + 1)), b.subarray(j % (b.length + 1))));
  const signed = fc
    .tuple(seed, fc.nat(600), fc.uint8Array({ maxLength: 2048 }))
    .map(([s, k, r]) => concat(s.subarray(0, k), r));
  const options = [
    { weight: 14, arbitrary: mutated },
    { weight: 2, arbitrary: spliced },
    { weight: 2, arbitrary: signed },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 1024 }) },
    ...(extra ? [{ weight: 4, arbitrary: extra }] : []),
  ];
  return fc.oneof(...options);
}

/** Structure-aware text cases: a seed JSON object with one key path set to a random JSON value. */
export function jsonEdits(seeds: readonly object[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.nat(seeds.length - 1), fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), fc.jsonValue())
    .map(([i, path, value]) => {
      const root = structuredClone(seeds[i]) as Record<string, unknown>;
      let node: Record<string, unknown> = root;
      for (const [d, p] of path.entries()) {
        const keys = Object.keys(node);
        if (keys.length === 0) break;
        const k = keys[p % keys.length];
        const child = node[k];
        if (d === path.length - 1 || !child || typeof child !== 'object') {
          node[k] = value;
          break;
        }
        node = child as Record<string, unknown>;
      }
      return new TextEncoder().encode(JSON.stringify(root));
    });
}
