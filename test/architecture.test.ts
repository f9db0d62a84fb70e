/**
 * The import graph of src/: no cycle between files; explain, report and server import nothing from
 * train; noise only the training loop (train/fit.ts); the run folder (src/run) and the head kinds
 * (src/heads) sit below data, train and every stage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** file (relative to src/) → the src files it imports (static, dynamic, re-exports; type-only too). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const deps = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) =>
      relative(SRC, resolve(dirname(file), m[1].replace(/\.js$/, '.ts'))),
    );
    graph.set(relative(SRC, file), [...new Set(deps)]);
  }
  return graph;
}

const graph = importGraph();
const folder = (f: string) => f.split('/')[0];

test('src/ has no import cycle', () => {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
      return;
    }
    state.set(f, 'open');
    for (const d of graph.get(f) ?? []) visit(d, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f, []);
  assert.deepEqual(cycles, []);
});

test('explain, report and server import nothing from train; noise only the training loop', () => {
  const bad: string[] = [];
  for (const [f, deps] of graph)
    for (const d of deps) {
      if (folder(d) !== 'train') continue;
      if (['explain', 'report', 'server'].includes(folder(f))) bad.push(`${f} → ${d}`);
      if (folder(f) === 'noise' && d !== 'train/fit.ts') bad.push(`${f} → ${d}`);
    }
  assert.deepEqual(bad, []);
});

test('the run folder and the head kinds sit below data, train and the stages', () => {
  const above = new Set(['data', 'train', 'explain', 'noise', 'report', 'server', 'cli']);
  const bad: string[] = [];
  for (const [f, deps] of graph)
    if (folder(f) === 'run' || folder(f) === 'heads')
      for (const d of deps) if (above.has(folder(d))) bad.push(`${f} → ${d}`);
  assert.deepEqual(bad, []);
});
