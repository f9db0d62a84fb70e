/**
 * Exports of a circuit with its weights bound: a text diagram, an SVG diagram, and OpenQASM 2.0 /
 * 3.0 so a trained circuit can run on hardware elsewhere. Wire i is q[i]. qmri (like PennyLane)
 * reads wire 0 as the most significant bit of a basis-state index; Qiskit prints bitstrings with
 * q[0] as the rightmost (least significant) bit.
 */
import type { Circuit, Op, ParamRef } from './circuit.js';

const fmt = (v: number) => (Math.abs(v) < 1e-12 ? '0' : Number(v.toPrecision(6)).toString());

function paramText(
  p: ParamRef,
  weights: ArrayLike<number>,
  inputs?: ArrayLike<number>,
  symbolic = true,
): string {
  if (p.kind === 'const') return fmt(p.value);
  if (p.kind === 'weight') return fmt(weights[p.index] + (p.offset ?? 0));
  if (inputs) return fmt(inputs[p.index] + (p.offset ?? 0));
  return symbolic ? `x${p.index}` : 'x';
}

function label(op: Op, weights: ArrayLike<number>, inputs?: ArrayLike<number>): string {
  const args = op.params.map((p) => paramText(p, weights, inputs));
  const name = op.gate.startsWith('C') && op.gate !== 'CNOT' && op.gate !== 'CZ' ? op.gate.slice(1) : op.gate;
  return args.length ? `${name}(${args.join(',')})` : name;
}

/** Text diagram, one line per wire, one column per operation. */
export function drawText(c: Circuit, weights: ArrayLike<number>, inputs?: ArrayLike<number>): string {
  const lines = Array.from({ length: c.nQubits }, (_, w) => `${w}: ─`);
  for (const op of c.ops) {
    const cells = new Array<string>(c.nQubits).fill('');
    if (op.gate === 'CNOT') {
      cells[op.wires[0]] = '●';
      cells[op.wires[1]] = '⊕';
    } else if (op.gate === 'CZ') {
      cells[op.wires[0]] = '●';
      cells[op.wires[1]] = '●';
    } else if (op.gate === 'SWAP') {
      cells[op.wires[0]] = '×';
      cells[op.wires[1]] = '×';
    } else if (op.wires.length === 2) {
      cells[op.wires[0]] = '●';
      cells[op.wires[1]] = label(op, weights, inputs);
    } else cells[op.wires[0]] = label(op, weights, inputs);
    const width = Math.max(...cells.map((s) => s.length));
    const [lo, hi] =
      op.wires.length === 2 ? [Math.min(...op.wires), Math.max(...op.wires)] : [op.wires[0], op.wires[0]];
    for (let w = 0; w < c.nQubits; w++) {
      const s = cells[w] || (w > lo && w < hi ? '│' : '─');
      lines[w] += s + '─'.repeat(width - s.length + 1);
    }
  }
  return lines.map((l) => `${l}┤ ⟨Z⟩`).join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** SVG diagram (self-contained). */
export function drawSvg(c: Circuit, weights: ArrayLike<number>, inputs?: ArrayLike<number>): string {
  const colW = 74;
  const rowH = 40;
  const left = 40;
  const width = left + c.ops.length * colW + 60;
  const height = c.nQubits * rowH + 20;
  const y = (w: number) => 20 + w * rowH + rowH / 2 - 10;
  const parts: string[] = [];
  for (let w = 0; w < c.nQubits; w++) {
    parts.push(`<text x="8" y="${y(w) + 4}" font-size="12">q${w}</text>`);
    parts.push(`<line x1="${left - 10}" y1="${y(w)}" x2="${width - 50}" y2="${y(w)}" stroke="#333"/>`);
    parts.push(`<text x="${width - 46}" y="${y(w) + 4}" font-size="11">⟨Z⟩</text>`);
  }
  c.ops.forEach((op, i) => {
    const cx = left + i * colW + colW / 2;
    const box = (w: number, text: string) => {
      parts.push(
        `<rect x="${cx - colW / 2 + 4}" y="${y(w) - 12}" width="${colW - 8}" height="24" rx="3" fill="#eef4ff" stroke="#3366aa"/>`,
      );
      parts.push(`<text x="${cx}" y="${y(w) + 4}" font-size="9" text-anchor="middle">${esc(text)}</text>`);
    };
    const dot = (w: number) => parts.push(`<circle cx="${cx}" cy="${y(w)}" r="4" fill="#333"/>`);
    if (op.wires.length === 2)
      parts.push(`<line x1="${cx}" y1="${y(op.wires[0])}" x2="${cx}" y2="${y(op.wires[1])}" stroke="#333"/>`);
    if (op.gate === 'CNOT') {
      dot(op.wires[0]);
      parts.push(`<circle cx="${cx}" cy="${y(op.wires[1])}" r="8" fill="white" stroke="#333"/>`);
      parts.push(
        `<line x1="${cx - 8}" y1="${y(op.wires[1])}" x2="${cx + 8}" y2="${y(op.wires[1])}" stroke="#333"/>`,
      );
      parts.push(
        `<line x1="${cx}" y1="${y(op.wires[1]) - 8}" x2="${cx}" y2="${y(op.wires[1]) + 8}" stroke="#333"/>`,
      );
    } else if (op.gate === 'CZ') {
      dot(op.wires[0]);
      dot(op.wires[1]);
    } else if (op.gate === 'SWAP') {
      for (const w of op.wires)
        parts.push(`<text x="${cx}" y="${y(w) + 5}" font-size="14" text-anchor="middle">×</text>`);
    } else if (op.wires.length === 2) {
      dot(op.wires[0]);
      box(op.wires[1], label(op, weights, inputs));
    } else box(op.wires[0], label(op, weights, inputs));
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>\n`;
}

/** OpenQASM 2.0 or 3.0 with weights bound; inputs bound when given (v3 declares them as `input float[64]` otherwise). */
export function toQasm(
  c: Circuit,
  weights: ArrayLike<number>,
  opts: { version?: 2 | 3; inputs?: ArrayLike<number> } = {},
): string {
  const v = opts.version ?? 2;
  if (v !== 2 && v !== 3) throw new Error(`--version: must be 2 or 3, got ${v}`);
  const inputs = opts.inputs;
  if (inputs && inputs.length !== c.nInputs)
    throw new Error(`inputs: expected ${c.nInputs} values for one circuit, got ${inputs.length}`);
  const usesInputs = c.ops.some((op) => op.params.some((p) => p.kind === 'input'));
  if (v === 2 && usesInputs && !inputs)
    throw new Error(
      'OpenQASM 2 has no free parameters: give --inputs (one row of angles) or use --version 3',
    );
  const arg = (p: ParamRef): string => {
    if (p.kind === 'input' && !inputs)
      return (p.offset ?? 0) !== 0 ? `(x${p.index} + ${fmt(p.offset ?? 0)})` : `x${p.index}`;
    return paramText(p, weights, inputs);
  };
  const q = (w: number) => `q[${w}]`;
  const out: string[] = [];
  out.push(v === 2 ? 'OPENQASM 2.0;' : 'OPENQASM 3.0;');
  out.push(v === 2 ? 'include "qelib1.inc";' : 'include "stdgates.inc";');
  out.push(
    `// exported by qmri: wire i is q[i]; qmri reads wire 0 as the most significant bit of a basis state,`,
  );
  out.push(`// Qiskit prints bitstrings with q[0] as the rightmost bit. Measure ⟨Z⟩ on every qubit.`);
  if (v === 3 && usesInputs && !inputs)
    for (let i = 0; i < c.nInputs; i++) out.push(`input float[64] x${i};`);
  out.push(v === 2 ? `qreg q[${c.nQubits}];` : `qubit[${c.nQubits}] q;`);
  out.push(v === 2 ? `creg c[${c.nQubits}];` : `bit[${c.nQubits}] c;`);
  for (const op of c.ops) {
    const w = op.wires;
    switch (op.gate) {
      case 'Rot':
        out.push(
          `rz(${arg(op.params[0])}) ${q(w[0])};`,
          `ry(${arg(op.params[1])}) ${q(w[0])};`,
          `rz(${arg(op.params[2])}) ${q(w[0])};`,
        );
        break;
      case 'PhaseShift':
        out.push(`${v === 2 ? 'u1' : 'p'}(${arg(op.params[0])}) ${q(w[0])};`);
        break;
      case 'CNOT':
        out.push(`cx ${q(w[0])}, ${q(w[1])};`);
        break;
      case 'CZ':
      case 'SWAP':
        out.push(`${op.gate.toLowerCase()} ${q(w[0])}, ${q(w[1])};`);
        break;
      case 'CRX':
      case 'CRY':
      case 'CRZ':
        out.push(`${op.gate.toLowerCase()}(${arg(op.params[0])}) ${q(w[0])}, ${q(w[1])};`);
        break;
      case 'RX':
      case 'RY':
      case 'RZ':
        out.push(`${op.gate.toLowerCase()}(${arg(op.params[0])}) ${q(w[0])};`);
        break;
      default:
        out.push(`${op.gate.toLowerCase()} ${q(w[0])};`);
    }
  }
  out.push(v === 2 ? 'measure q -> c;' : 'c = measure q;');
  return out.join('\n') + '\n';
}
