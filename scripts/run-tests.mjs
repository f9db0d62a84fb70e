// Runs every test/**/*.test.ts with Node's test runner (through tsx).
// Arguments filter by path substring: `node scripts/run-tests.mjs quantum data/loaders`.
// The tests run under scripts/env.sh's runtime environment (as bin/qmri does).
// Test files run QMRI_TEST_CONCURRENCY at a time (default 2): many of them spend most of their time
// starting `bin/qmri` child processes (node, tsx, libtorch: about 3 s each) on one core, so two files
// at a time keep both cores of the reference machine busy.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const found = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'fixtures') walk(p);
    } else if (name.endsWith('.test.ts')) found.push(relative(root, p));
  }
};
walk(join(root, 'test'));
const filters = process.argv.slice(2);
const files = filters.length ? found.filter((f) => filters.some((s) => f.includes(s))) : found;
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const tsx = join(root, 'node_modules/tsx/dist/esm/index.mjs');
// the tests run in the same libtorch runtime environment as bin/qmri (scripts/env.sh: jemalloc,
// passive OpenMP waiting), whether or not the caller sourced it
const res = spawnSync(
  'bash',
  [
    '-c',
    'source "$0"; exec "$@"',
    join(root, 'scripts/env.sh'),
    process.execPath,
    '--import',
    `file://${tsx}`,
    '--test',
    '--test-reporter=spec',
    '--test-timeout=900000',
    `--test-concurrency=${process.env.QMRI_TEST_CONCURRENCY || 2}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: process.env },
);
process.exit(res.status ?? 1);
