/**
 * The fuzz child process: runs cases [from, to) of one target and reports to the parent over IPC:
 * {t:'case', i, rss} before each case (the parent's hang and memory watch), {t:'fail', i, why,
 * bytes} for a crash (an error other than the documented one), {t:'done', i, outcome} after it,
 * {t:'end', rss} at the end.
 * Case i is the same bytes on every run: casesFor(target, seed) is deterministic.
 */
import fc from 'fast-check';
import { casesOf } from './mutate.js';
import { TARGETS } from './targets/index.js';

export const BATCH = 500;

/** Case i of a target under a seed (fast-check samples in batches of BATCH from seed and batch number). */
export async function caseGenerator(name: string, seed: number) {
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`no fuzz target ${name}`);
  const seeds = await target.seeds();
  const arb = casesOf(seeds, target.extra?.(seeds));
  let cached: { batch: number; cases: Uint8Array[] } | null = null;
  return {
    target,
    at(i: number): Uint8Array {
      const batch = Math.floor(i / BATCH);
      if (cached?.batch !== batch)
        cached = { batch, cases: fc.sample(arb, { seed: seed * 1_000_003 + batch, numRuns: BATCH }) };
      return cached.cases[i % BATCH];
    },
  };
}

async function main(): Promise<void> {
  const [name, seed, from, to] = process.argv.slice(2);
  const gen = await caseGenerator(name, Number(seed));
  const send = (m: object) => new Promise<void>((r) => process.send!(m, () => r()));
  for (let i = Number(from); i < Number(to); i++) {
    const bytes = gen.at(i);
    const file = gen.target.fileName(i);
    // awaited: a case that blocks the event loop must not hold back its own 'case' message
    await send({ t: 'case', i, rss: process.memoryUsage.rss() });
    let outcome = 'decoded';
    try {
      await gen.target.run(bytes, file);
    } catch (err) {
      const why = gen.target.wrongError(err, file);
      if (why) {
        await send({ t: 'fail', i, why: why.slice(0, 500), bytes: Buffer.from(bytes).toString('base64') });
        outcome = 'crash';
      } else
        outcome =
          (err as { code?: string; status?: number }).code ??
          String((err as { status?: number }).status ?? 'error');
    }
    process.send!({ t: 'done', i, outcome });
  }
  await send({ t: 'end', rss: process.memoryUsage.rss() });
  process.exit(0);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) void main();
