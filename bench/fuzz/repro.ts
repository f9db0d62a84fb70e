/**
 * Re-runs one fuzz case in this process, with its outcome and time: the way to look at a hang or
 * crash the benchmark reported.
 *   node --import tsx bench/fuzz/repro.ts TARGET SEED CASE [--save FILE]
 */
import { writeFileSync } from 'node:fs';
import { caseGenerator } from './worker.js';

const [name, seed, index, flag, file] = process.argv.slice(2);
const gen = await caseGenerator(name, Number(seed));
const bytes = gen.at(Number(index));
if (flag === '--save') writeFileSync(file, bytes);
const t0 = performance.now();
try {
  await gen.target.run(bytes, gen.target.fileName(Number(index)));
  console.log('decoded');
} catch (err) {
  console.log('threw', err instanceof Error ? `${err.constructor.name}: ${err.stack}` : String(err));
}
console.log(
  `${bytes.length} bytes, ${(performance.now() - t0).toFixed(0)} ms, RSS ${Math.round(process.memoryUsage.rss() / 2 ** 20)} MiB`,
);
