/**
 * The real-world corpus table for BENCHMARKS.md: every file of scripts/build-corpus.sh's corpus
 * (DCMTK, GDCM, pydicom, nibabel, npm samples) decoded by qmri and pixel-checked against the
 * writer's own decode; prints a Markdown table and a summary, writes the rows as JSON.
 * Usage: bash scripts/build-corpus.sh && node --import tsx bench/data/corpus.ts [CORPUS_DIR] [--json OUT]
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TRANSFER_SYNTAXES } from '../../src/data/index.js';
import { checkEntry, readCorpus, type CorpusResult } from '../../test/data/corpus-check.js';

const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonOut = jsonAt >= 0 ? args.splice(jsonAt, 2)[1] : null;
const dir = args[0] ?? fileURLToPath(new URL('../../test-artifacts/corpus', import.meta.url));
const corpus = readCorpus(dir);
const rows: CorpusResult[] = [];
for (const e of corpus.entries) rows.push(await checkEntry(dir, e));

const what = (r: CorpusResult) => {
  const e = r.entry;
  if (e.kind === 'nifti') return `NIfTI ${e.datatype} ${e.note}`.trim();
  const ts = e.transferSyntax ? (TRANSFER_SYNTAXES[e.transferSyntax]?.name ?? e.transferSyntax) : '';
  return `${ts}${e.frames && e.frames > 1 ? `, ${e.frames} frames` : ''}${e.photometric && e.photometric !== 'MONOCHROME2' ? `, ${e.photometric}` : ''}${e.note ? `, ${e.note}` : ''}`;
};
const result = (r: CorpusResult) =>
  r.outcome === 'exact'
    ? `decodes, exact (${r.values} values)`
    : r.outcome === 'close'
      ? `decodes, lossy: max abs diff ${r.maxDiff} (${r.values} values)`
      : r.outcome === 'error'
        ? `refused (${r.code}): "${(r.error ?? '').replace(/^[^:]*: /, '').slice(0, 90)}"`
        : `MISMATCH max abs diff ${r.maxDiff}`;
console.log(
  `source slice: ${corpus.source}; tools: ${Object.entries(corpus.tools)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ')}\n`,
);
console.log('| file | writer | what | qmri | expected |');
console.log('|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.entry.file} | ${r.entry.writer} | ${what(r)} | ${result(r)} | ${r.entry.expect} |`);
const count = (f: (r: CorpusResult) => boolean) => rows.filter(f).length;
const ok = (r: CorpusResult) =>
  r.entry.expect === 'decode'
    ? r.outcome === 'exact' || r.outcome === 'close'
    : r.outcome === 'error' && r.code === 'unsupported';
console.log(
  `\n${rows.length} files: ${count((r) => r.outcome === 'exact')} exact, ${count((r) => r.outcome === 'close')} lossy within ±1, ` +
    `${count((r) => r.outcome === 'error')} refused, ${count((r) => r.outcome === 'mismatch')} mismatches; ` +
    `${count((r) => !ok(r))} differ from the expected outcome`,
);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 1));
