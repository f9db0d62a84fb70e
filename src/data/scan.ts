/**
 * Dataset discovery: folder per class (class = folder name, sorted), or the Kaggle layout with
 * Training/ and Testing/ folders above the class folders. Files may sit in per-case subfolders
 * (BraTS-style NIfTI, DICOM series). Sidecars (NAME.txt boxes, NAME.mask.png masks, *_seg.nii
 * segmentations) are not samples. Each sample gets a group id for the split (see groupOf).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DataError } from './errors.js';
import { isSegmentationName } from './decode.js';
import { stemOf } from './sidecars.js';
import type { DataIssue } from './types.js';

export type Layout = 'folders' | 'kaggle';

export interface ScanItem {
  /** relative to the dataset root, with '/' separators */
  file: string;
  className: string;
  group: string;
}

export interface ScanResult {
  root: string;
  layout: Layout;
  classes: string[];
  items: ScanItem[];
  issues: DataIssue[];
  emptyClasses: string[];
}

const IMAGE_EXT = /\.(jpe?g|png|dcm|dicom|ima|nii|nii\.gz|gif|bmp|tiff?|webp|jp2|heic)$/i;
const SPLIT_DIR = /^(training|testing|train|test|val|validation)$/i;

function listDirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

function isSample(name: string): boolean {
  if (name.startsWith('.')) return false;
  if (/\.mask\.png$/i.test(name) || isSegmentationName(name)) return false;
  if (IMAGE_EXT.test(name)) return true;
  return !name.includes('.'); // extension-less files: DICOM often has none
}

function walkFiles(dir: string, out: string[]): void {
  for (const d of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (d.name.startsWith('.')) continue;
    const p = join(dir, d.name);
    if (d.isDirectory()) walkFiles(p, out);
    else if (d.isFile() && isSample(d.name)) out.push(p);
  }
}

/**
 * Group id: the case folder when a file sits in one below its class folder; else the block of
 * consecutive file numbers (number ÷ blockSize, with the non-numeric part of the name as prefix);
 * else the file itself.
 */
export function groupOf(relInClass: string, className: string, blockSize: number): string {
  const parts = relInClass.split('/');
  if (parts.length > 1) return `case:${className}/${parts[0]}`;
  const stem = stemOf(parts[0]);
  const m = /^(.*?)(\d+)(\D*)$/.exec(stem);
  if (m) return `block:${(m[1] + m[3]).toLowerCase()}#${Math.floor(Number(m[2]) / blockSize)}`;
  return `file:${className}/${stem}`;
}

export function scanDataset(
  dir: string,
  opts: { layout?: 'auto' | Layout; blockSize?: number } = {},
): ScanResult {
  const blockSize = opts.blockSize ?? 20;
  if (!Number.isInteger(blockSize) || blockSize < 1)
    throw new Error(`split.blockSize: expected a positive integer, got ${blockSize}`);
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new DataError(dir, 'dataset', 'dataset folder does not exist');
  }
  if (!st.isDirectory())
    throw new DataError(dir, 'dataset', 'not a folder (expected a folder with one subfolder per class)');
  const top = listDirs(dir);
  const kaggle = top.length > 0 && top.every((d) => SPLIT_DIR.test(d));
  const layout: Layout =
    opts.layout === 'folders' || opts.layout === 'kaggle' ? opts.layout : kaggle ? 'kaggle' : 'folders';
  const parents = layout === 'kaggle' ? top.map((d) => join(dir, d)) : [dir];
  const classDirs = new Map<string, string[]>();
  for (const p of parents)
    for (const c of listDirs(p)) {
      if (!classDirs.has(c)) classDirs.set(c, []);
      classDirs.get(c)!.push(join(p, c));
    }
  if (classDirs.size === 0)
    throw new DataError(
      dir,
      'dataset',
      `no class folders found (layout ${layout}: expected ${layout === 'kaggle' ? 'Training/<class>/…' : '<class>/…'})`,
    );
  const issues: DataIssue[] = [];
  const items: ScanItem[] = [];
  const emptyClasses: string[] = [];
  const classes: string[] = [];
  for (const [className, dirs] of [...classDirs].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const files: string[] = [];
    for (const d of dirs) walkFiles(d, files);
    if (files.length === 0) {
      emptyClasses.push(className);
      issues.push({
        file: dirs.map((d) => relative(dir, d)).join(', '),
        problem: `class folder '${className}' has no images`,
      });
      continue;
    }
    classes.push(className);
    for (const f of files) {
      const rel = relative(dir, f).split(sep).join('/');
      const inClass = relative(
        dirs.find((d) => f.startsWith(d + sep))!,
        f,
      )
        .split(sep)
        .join('/');
      items.push({ file: rel, className, group: groupOf(inClass, className, blockSize) });
    }
  }
  return { root: dir, layout, classes, items, issues, emptyClasses };
}
