/** The quantum head's circuit, drawn from its trained weights (src/quantum/export.ts SVG and text drawing). */
import { dressedCircuit, drawSvg, drawText } from '../../quantum/index.js';
import { circuitParams, hasCircuit } from '../../heads/index.js';
import { listHeads, loadHead } from '../../run/index.js';
import type { ReportContext } from '../context.js';
import { esc, failed, notRun, type Section } from '../html.js';
import { readJson } from '../read.js';

const ID = 'circuit';
const TITLE = 'Quantum circuit';

/** How the comparison trained the encoder (RUN/compare/results.json config.encoderNorm), in words. */
function encoderText(ctx: ReportContext): string {
  const r = readJson<{ config?: { encoderNorm?: unknown } }>(ctx.paths.compare);
  if (r.state !== 'ok') return '';
  return r.value.config?.encoderNorm === 'batch'
    ? ' The linear layer before tanh was trained with batch-normalised outputs (compare.encoderNorm: batch), the running statistics folded into it here.'
    : ' The linear layer before tanh was trained without normalisation (compare.encoderNorm: none).';
}

export async function circuitSection(ctx: ReportContext): Promise<Section> {
  const q = listHeads(ctx.run).find((h) => hasCircuit(h.kind));
  if (!q) return notRun(ID, TITLE, `${ctx.paths.headsDir}/quantum-seed*.json`, 'compare (compareHeads)');
  try {
    const p = circuitParams(loadHead(q.path));
    const c = dressedCircuit(p);
    const svg = drawSvg(c, p.circuit.weights);
    const cfg = p.circuit;
    const html = `<p>Dressed quantum head (seed ${q.seed}): ${p.inDim} features → linear → tanh·π/2 → ${p.nQubits}-qubit circuit (${esc(
      cfg.template,
    )} entangling template, ${cfg.layers} layers, ${esc(cfg.embedding)} angle embedding${cfg.reupload ? ', data re-uploading' : ''}) → ⟨Z⟩ per wire → linear → ${p.nClasses} classes.${encoderText(ctx)} Trained weights bound below.</p><div class="circuit">${svg}</div><details><summary>text drawing</summary><pre>${esc(
      drawText(c, p.circuit.weights),
    )}</pre></details>`;
    return { id: ID, title: TITLE, html };
  } catch (e) {
    return failed(ID, TITLE, q.path, e);
  }
}
