/**
 * The fuzz benchmark: N cases per target (default 100,000), each target in a watched child process
 * (per-case time limit, RSS bound), seeded. Writes OUT/report.json after every target (so a long
 * run can be read while it goes) and failing inputs to OUT/failures/.
 *   nice node --import tsx bench/fuzz/run.ts [--cases 100000] [--seed 1] [--targets png,dicom]
 *     [--time-limit-ms 10000] [--max-rss-mib 2048] [--out out/fuzz]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fuzzTarget, type TargetReport } from './harness.js';
import { TARGETS } from './targets/index.js';

const { values: a } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    targets: { type: 'string', default: TARGETS.map((t) => t.name).join(',') },
    'time-limit-ms': { type: 'string', default: '10000' },
    'max-rss-mib': { type: 'string', default: '2048' },
    out: { type: 'string', default: 'out/fuzz' },
  },
});

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return process.env.QMRI_COMMIT ?? 'unknown'; // a snapshot outside git (git archive) says it here
  }
})();
mkdirSync(a.out, { recursive: true });
const reports: TargetReport[] = [];
const started = new Date().toISOString();
for (const name of a.targets.split(',')) {
  const rep = await fuzzTarget(name, {
    cases: Number(a.cases),
    seed: Number(a.seed),
    timeLimitMs: Number(a['time-limit-ms']),
    maxRssBytes: Number(a['max-rss-mib']) * 2 ** 20,
    saveDir: join(a.out, 'failures'),
    onProgress: (i) => {
      if (i % 10_000 === 0) console.error(`${name}: ${i} cases`);
    },
  });
  reports.push(rep);
  console.log(
    `${name}: ${rep.cases} cases, ${rep.crashes} crashes, ${rep.hangs} hangs, ${rep.memory} over memory, peak RSS ${rep.peakRssMiB.toFixed(0)} MiB, ${rep.seconds.toFixed(0)} s`,
  );
  const summary = { started, commit, args: a, reports };
  writeFileSync(join(a.out, 'report.json'), JSON.stringify(summary, null, 1));
}
const bad = reports.reduce((s, r) => s + r.crashes + r.hangs + r.memory, 0);
process.exitCode = bad ? 1 : 0;
