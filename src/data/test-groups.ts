/** The patient group of every test case (src/data's manifest), the unit the verdict resamples. */
import { existsSync } from 'node:fs';
import { runPaths } from '../run/index.js';
import { readManifest } from './manifest.js';

/**
 * The manifest group of every test file, in the features' order. Without a manifest (features
 * written by hand) or for a file it does not list, the case is its own group (said in `source`).
 */
export function testGroups(run: string, files: readonly string[]): { groups: string[]; source: string } {
  const path = runPaths(run).manifest;
  const byFile = new Map<string, string>();
  if (existsSync(path)) for (const e of readManifest(path).entries) byFile.set(e.file, e.group);
  let missing = 0;
  const groups = files.map((f, i) => {
    const g = byFile.get(f);
    if (g !== undefined) return `g:${g}`;
    missing++;
    return `case:${i}`;
  });
  const source =
    missing === 0
      ? 'manifest groups'
      : missing === files.length
        ? 'no manifest groups: every test case is its own group'
        : `manifest groups (${missing} test files not in the manifest are each their own group)`;
  return { groups, source };
}
