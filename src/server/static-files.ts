/**
 * Static front-end files: the set of servable files is listed once from src/server/public at start
 * and requests are looked up by exact name in that set, so no request path (encoded dots, slashes,
 * NUL bytes, absolute paths) can reach any other file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

export interface StaticFile {
  body: Buffer;
  type: string;
}

export function loadStaticFiles(dir = PUBLIC_DIR): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) files.set(`/${name}`, { body: readFileSync(join(dir, name)), type });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}
