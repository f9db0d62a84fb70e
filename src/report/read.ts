/** Reading stage outputs for the report: absent, unreadable and present are three different answers. */
import { existsSync, readFileSync, statSync } from 'node:fs';

export type Read<T> = { state: 'absent' } | { state: 'error'; error: Error } | { state: 'ok'; value: T };

const MAX_JSON_BYTES = 256 * 1024 * 1024;

export function readJson<T = unknown>(path: string): Read<T> {
  if (!existsSync(path)) return { state: 'absent' };
  try {
    const size = statSync(path).size;
    if (size > MAX_JSON_BYTES) throw new Error(`${size} bytes, over the ${MAX_JSON_BYTES}-byte limit`);
    if (size === 0) throw new Error('empty file');
    return { state: 'ok', value: JSON.parse(readFileSync(path, 'utf8')) as T };
  } catch (e) {
    return { state: 'error', error: new Error(`not valid JSON (${(e as Error).message})`) };
  }
}

/** One JSON object per non-empty line (RUN/backbone/log.jsonl). */
export function readJsonl<T = unknown>(path: string): Read<T[]> {
  if (!existsSync(path)) return { state: 'absent' };
  const out: T[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    try {
      out.push(JSON.parse(lines[i]) as T);
    } catch (e) {
      return { state: 'error', error: new Error(`line ${i + 1}: not valid JSON (${(e as Error).message})`) };
    }
  }
  return { state: 'ok', value: out };
}

/** A small CSV with a header row (numbers parsed) — e.g. RUN/noise/points.csv. */
export function readCsv(path: string): Read<Record<string, string | number>[]> {
  if (!existsSync(path)) return { state: 'absent' };
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim());
  if (lines.length === 0) return { state: 'error', error: new Error('empty CSV') };
  const head = lines[0].split(',').map((h) => h.trim());
  const rows = lines.slice(1).map((l) => {
    const cells = l.split(',');
    return Object.fromEntries(
      head.map((h, i) => {
        const c = (cells[i] ?? '').trim();
        const n = Number(c);
        return [h, c !== '' && Number.isFinite(n) ? n : c];
      }),
    );
  });
  return { state: 'ok', value: rows };
}

export const isObj = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);
export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
