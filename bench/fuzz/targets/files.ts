/** A scratch folder for targets that read a file from disk (the config and circuit-spec loaders). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | null = null;

export function scratch(name: string): string {
  if (!dir) {
    const d = mkdtempSync(join(tmpdir(), 'qmri-fuzz-'));
    dir = d;
    process.once('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  return join(dir, name);
}
