/** HTML building blocks of the report: escaping, tables, figures, sections and the page shell (inline CSS). */

export function esc(s: unknown): string {
  return String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export function dataUri(mime: string, bytes: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
}

export function fmt(v: unknown, digits = 3): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    return Number.isInteger(v) ? v.toLocaleString('en') : v.toFixed(digits);
  }
  if (v === null || v === undefined) return '—';
  if (typeof v === 'object') return esc(JSON.stringify(v));
  return esc(v);
}

export const pct = (v: number | undefined, digits = 1) =>
  typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(digits)}%` : '—';

export function table(head: string[], rows: string[][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** An inline SVG chart in a figure, with a caption naming the PNG export next to it. */
export function figure(svg: string, caption: string, png?: string): string {
  return `<figure>${svg}<figcaption>${esc(caption)}${png ? ` <span class="png">(PNG: ${esc(png)})</span>` : ''}</figcaption></figure>`;
}

/** A report section; `status` 'not-run' shows a plain "not run" line naming the missing file. */
export interface Section {
  id: string;
  title: string;
  html: string;
  /** 'ok' when absent */
  state?: 'ok' | 'not run' | 'unreadable';
}

export function notRun(id: string, title: string, missing: string, stage: string): Section {
  return {
    id,
    title,
    state: 'not run',
    html: `<p class="notrun"><strong>not run</strong>: ${esc(missing)} is absent (stage: ${esc(stage)}).</p>`,
  };
}

export function failed(id: string, title: string, file: string, err: unknown): Section {
  return {
    id,
    title,
    state: 'unreadable',
    html: `<p class="failed"><strong>unreadable</strong>: ${esc(file)}: ${esc((err as Error).message ?? err)}</p>`,
  };
}

const CSS = `
body{font:14px/1.45 "DejaVu Sans",Helvetica,Arial,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#1f3b57;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.85}
nav{padding:8px 32px;background:#e8edf2;font-size:13px}nav a{margin-right:14px;color:#1f3b57}
main{padding:8px 32px 40px;max-width:1280px}
section{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:12px 20px;margin:16px 0}
h2{font-size:18px;margin:4px 0 10px;color:#1f3b57}h3{font-size:15px;margin:14px 0 6px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #dde3ea;padding:4px 8px;text-align:right}
th{background:#f0f3f6}td:first-child,th:first-child{text-align:left}
figure{display:inline-block;margin:8px 16px 8px 0;vertical-align:top}figcaption{font-size:12px;color:#555;max-width:520px}
.png{color:#888}.notrun{color:#8a6d00;background:#fff8e1;padding:6px 10px;border-radius:4px}
.failed{color:#a40000;background:#fdecea;padding:6px 10px;border-radius:4px}
.verdict{font-size:15px;background:#eef5ee;border-left:4px solid #3c8d40;padding:8px 12px}
.cases{display:flex;flex-wrap:wrap;gap:12px}.case{border:1px solid #dde3ea;border-radius:4px;padding:6px;width:300px;font-size:12px}
.case figure.ov{display:inline-block;width:47%;margin:2px;vertical-align:top}.case figure.ov figcaption{font-size:11px}.case img{width:100%;image-rendering:pixelated}.case.flagged{border:2px solid #c62828}.flag{color:#c62828;font-weight:bold}
pre{background:#f4f6f8;padding:8px;overflow:auto;font-size:12px;max-height:360px}
.circuit svg{max-width:100%;height:auto}
`;

export function page(title: string, subtitle: string, sections: Section[]): string {
  const nav = sections.map((s) => `<a href="#${s.id}">${esc(s.title)}</a>`).join('');
  const body = sections
    .map((s) => `<section id="${s.id}"><h2>${esc(s.title)}</h2>${s.html}</section>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(title)}</h1><p>${esc(subtitle)}</p></header><nav>${nav}</nav>
<main>
${body}
</main></body></html>
`;
}
