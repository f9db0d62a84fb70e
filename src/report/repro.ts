/** Reproducibility facts: a stable config hash, the git commit, package and runtime versions. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A stable hash of a JSON value (object keys sorted), e.g. to tell whether a stage's config changed. */
export function configHash(v: unknown): string {
  const canon = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(canon)
      : x && typeof x === 'object'
        ? Object.fromEntries(
            Object.keys(x as object)
              .sort()
              .map((k) => [k, canon((x as Record<string, unknown>)[k])]),
          )
        : x;
  return createHash('sha256')
    .update(JSON.stringify(canon(v)))
    .digest('hex')
    .slice(0, 16);
}

/** The git commit of the qmri checkout (with '+dirty' when files differ), or null outside git. */
export function gitCommit(): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}

function packageVersion(name: string): string | null {
  const p = join(ROOT, 'node_modules', name, 'package.json');
  if (!existsSync(p)) return null;
  try {
    return (JSON.parse(readFileSync(p, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** Versions of qmri, Node and the libraries that shape the results. */
export function versions(): Record<string, string | null> {
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const out: Record<string, string | null> = { qmri: own.version, node: process.versions.node };
  for (const n of ['sharp', 'vega', 'vega-lite', 'ajv', 'commander', 'nifti-reader-js', 'dicom-parser'])
    out[n] = packageVersion(n);
  const torch = '/usr/include/torch/csrc/api/include/torch/version.h';
  if (existsSync(torch)) {
    const h = readFileSync(torch, 'utf8');
    const part = (k: string) => new RegExp(`TORCH_VERSION_${k}\\s+(\\d+)`).exec(h)?.[1];
    out.libtorch = part('MAJOR') ? `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` : null;
  }
  return out;
}
