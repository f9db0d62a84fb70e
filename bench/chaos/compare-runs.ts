/**
 * Compares two run folders of the same seeded experiment: the same set of files (and no temporary
 * or hidden ones), the same numbers in every JSON file (timings and the folders' own paths
 * ignored), and tensor/CSV files equal byte for byte. Pictures and the HTML report only have to
 * exist (they embed timings). Both folders must have been written at the same path (`root`: the
 * reference run is moved aside after it finishes), since paths and hashes of paths are part of
 * the results. Returns one line per difference.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// timings, dates and what one invocation did (run.json's per-stage state: "done" or "skipped")
const TIMING_KEY = /(seconds|time|elapsed|ms$|date|generated|started|wall|perImage|PerSecond|throughput)/i;
const INVOCATION_KEY = /^(state|note|resumedFrom)$/;
const OPAQUE_SIZE_KEY = /^(optimizer_bytes)$/;
const OPAQUE_ENTRIES = new Set(['optimizer', 'torch_rng']);
// logs (log, jsonl) record what happened, resumes included; pictures and HTML embed timings
const EXISTS_ONLY = /\.(png|svg|html|log|jsonl)$/;

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

function diffJson(a: unknown, b: unknown, where: string, out: string[]): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${where}: ${a.length} items vs ${b.length}`);
    else a.forEach((x, i) => diffJson(x, b[i], `${where}[${i}]`, out));
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keep = (k: string) =>
      !TIMING_KEY.test(k) &&
      !OPAQUE_SIZE_KEY.test(k) &&
      !(where.startsWith('run.json') && INVOCATION_KEY.test(k)) &&
      k !== 'resumedFrom';
    const ka = Object.keys(a).filter(keep);
    const kb = Object.keys(b).filter(keep);
    for (const k of new Set([...ka, ...kb])) {
      if (!(k in a) || !(k in b)) out.push(`${where}.${k}: only in one run`);
      else
        diffJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`, out);
    }
  } else if (a !== b)
    out.push(`${where}: ${JSON.stringify(a)?.slice(0, 60)} vs ${JSON.stringify(b)?.slice(0, 60)}`);
}

/** safetensors: the tensor index and data byte for byte; the metadata (JSON strings) as JSON. */
function diffSafetensors(x: Buffer, y: Buffer, f: string, out: string[]): void {
  const split = (b: Buffer) => {
    const n = Number(b.readBigUInt64LE(0));
    const header = JSON.parse(b.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
    const meta = (header.__metadata__ ?? {}) as Record<string, string>;
    delete header.__metadata__;
    const parsed = Object.fromEntries(
      Object.entries(meta).map(([k, v]) => {
        try {
          return [k, JSON.parse(v) as unknown];
        } catch {
          return [k, v];
        }
      }),
    );
    return { header, meta: parsed, data: b.subarray(8 + n) };
  };
  const a = split(x);
  const b = split(y);
  diffJson(a.meta, b.meta, `${f}#metadata`, out);
  for (const k of new Set([...Object.keys(a.header), ...Object.keys(b.header)])) {
    // a checkpoint's optimizer and RNG entries are libtorch archives (torch::save) whose record
    // order follows tensor addresses: two identical runs write them differently
    if (OPAQUE_ENTRIES.has(k)) continue;
    const ea = a.header[k] as { data_offsets: [number, number] } | undefined;
    const eb = b.header[k] as { data_offsets: [number, number] } | undefined;
    if (!ea || !eb) out.push(`${f}: tensor ${k} only in one run`);
    else if (!a.data.subarray(...ea.data_offsets).equals(b.data.subarray(...eb.data_offsets)))
      out.push(`${f}: tensor ${k} differs`);
  }
}

export function compareRunFolders(ref: string, run: string): string[] {
  const out: string[] = [];
  const fa = files(ref);
  const fb = files(run);
  const sa = new Set(fa);
  for (const f of fb) {
    if (/(^|\/)\.|\.tmp$/.test(f)) out.push(`${f}: temporary or hidden file left behind`);
    else if (!sa.has(f)) out.push(`${f}: only in the resumed run (orphaned)`);
  }
  const sb = new Set(fb);
  for (const f of fa) {
    if (!sb.has(f)) {
      out.push(`${f}: missing from the resumed run`);
      continue;
    }
    if (EXISTS_ONLY.test(f)) continue;
    const x = readFileSync(join(ref, f));
    const y = readFileSync(join(run, f));
    if (f.endsWith('.json')) diffJson(JSON.parse(x.toString('utf8')), JSON.parse(y.toString('utf8')), f, out);
    else if (f.endsWith('.safetensors')) diffSafetensors(x, y, f, out);
    else if (!x.equals(y)) out.push(`${f}: bytes differ`);
  }
  return out;
}
