/** The quantum head's circuit, drawn from its trained weights (src/quantum/export.ts SVG and text drawing). */
import { dressedCircuit, drawSvg, drawText } from '../../quantum/index.js';
import { circuitParams, hasCircuit } from '../../heads/index.js';
import { listHeads, loadHead } from '../../run/index.js';
import type { ReportContext } from '../context.js';
import { esc, failed, notRun, type Section } from '../html.js';

const ID = 'circuit';
const TITLE = 'Quantum circuit';

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
    )} entangling template, ${cfg.layers} layers, ${esc(cfg.embedding)} angle embedding${cfg.reupload ? ', data re-uploading' : ''}) → ⟨Z⟩ per wire → linear → ${p.nClasses} classes. Trained weights bound below.</p><div class="circuit">${svg}</div><details><summary>text drawing</summary><pre>${esc(
      drawText(c, p.circuit.weights),
    )}</pre></details>`;
    return { id: ID, title: TITLE, html };
  } catch (e) {
    return failed(ID, TITLE, q.path, e);
  }
}
