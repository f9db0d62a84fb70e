/** Reproducibility: resolved config and its hash, seeds, git commit, package and runtime versions. */
import { listHeads } from '../../run/index.js';
import type { ReportContext } from '../context.js';
import { esc, fmt, table, type Section } from '../html.js';
import { isObj, readJson } from '../read.js';
import { configHash, gitCommit, versions } from '../repro.js';

export interface ReproFacts {
  configHash: string | null;
  gitCommit: string | null;
  versions: Record<string, string | null>;
  seeds: Record<string, unknown>;
  generated: string;
}

export function reproFacts(ctx: ReportContext): ReproFacts {
  const c = readJson<Record<string, unknown>>(ctx.paths.config);
  const cfg = c.state === 'ok' && isObj(c.value) ? c.value : null;
  const seeds: Record<string, unknown> = {};
  if (cfg) {
    seeds.experiment = cfg.seed;
    for (const s of ['data', 'backbone', 'noise'] as const) {
      const sec = cfg[s];
      if (isObj(sec)) {
        if (s === 'data' && isObj(sec.split)) seeds['data.split'] = sec.split.seed;
        if (s === 'data' && isObj(sec.synthetic)) seeds['data.synthetic'] = sec.synthetic.seed;
        if (s !== 'data' && sec.seed !== undefined) seeds[s] = sec.seed;
      }
    }
  }
  const heads = listHeads(ctx.run);
  if (heads.length) seeds.heads = [...new Set(heads.map((h) => h.seed))].join(', ');
  return {
    configHash: cfg ? configHash(cfg) : null,
    gitCommit: gitCommit(),
    versions: versions(),
    seeds,
    generated: new Date().toISOString(),
  };
}

export function reproSection(ctx: ReportContext, f: ReproFacts): Section {
  const c = readJson<unknown>(ctx.paths.config);
  let html = table(
    ['item', 'value'],
    [
      [
        'config hash (sha-256 of the resolved config, keys sorted)',
        esc(f.configHash ?? 'no RUN/config.json'),
      ],
      ['git commit', esc(f.gitCommit ?? 'not a git checkout')],
      ['report generated', esc(f.generated)],
      ...Object.entries(f.seeds).map(([k, v]) => [`seed: ${esc(k)}`, fmt(v)]),
      ...Object.entries(f.versions).map(([k, v]) => [`version: ${esc(k)}`, esc(v ?? 'absent')]),
    ],
  );
  if (c.state === 'ok')
    html += `<details><summary>resolved config (${esc(ctx.paths.config)})</summary><pre>${esc(JSON.stringify(c.value, null, 2))}</pre></details>`;
  return { id: 'repro', title: 'Reproducibility', html };
}
