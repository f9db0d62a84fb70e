/** `qmri circuit eval | draw | qasm SPEC.json`: circuits as data (see src/quantum/spec.ts). */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import {
  drawSvg,
  drawText,
  evalCircuitSpec,
  parseCircuitSpec,
  specCircuit,
  toQasm,
  type CircuitSpec,
} from '../../quantum/index.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { UsageError } from '../errors.js';

const MAX_SPEC_BYTES = 64 * 1024 * 1024;

function readJson(path: string, what: string): unknown {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`${path}: ${what} not found`);
  }
  if (size > MAX_SPEC_BYTES)
    throw new UsageError(`${path}: ${what} is ${size} bytes, over the ${MAX_SPEC_BYTES}-byte limit`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`${path}: ${what} is not valid JSON: ${(e as Error).message}`);
  }
}

function parseFlagJson(v: string | undefined, flag: string): unknown {
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v);
  } catch (e) {
    throw new UsageError(`${flag}: not valid JSON: ${(e as Error).message}`);
  }
}

export function loadSpec(
  path: string,
  overrides: { inputs?: string; cotangent?: string; gradient?: string } = {},
): CircuitSpec {
  const raw = readJson(path, 'circuit spec') as Record<string, unknown>;
  const merged = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { ...raw } : raw;
  if (merged && typeof merged === 'object' && !Array.isArray(merged)) {
    const m = merged as Record<string, unknown>;
    const inputs = parseFlagJson(overrides.inputs, '--inputs');
    if (inputs !== undefined) {
      m.inputs = Array.isArray(inputs) && typeof inputs[0] === 'number' ? [inputs] : inputs;
      if (overrides.cotangent === undefined) delete m.cotangent; // the spec's cotangent belonged to its own inputs
    }
    const cot = parseFlagJson(overrides.cotangent, '--cotangent');
    if (cot !== undefined) m.cotangent = Array.isArray(cot) && typeof cot[0] === 'number' ? [cot] : cot;
    if (overrides.gradient !== undefined) m.gradient = overrides.gradient;
  }
  return parseCircuitSpec(merged, path);
}

export function registerCircuit(program: Command): void {
  const circuit = program.command('circuit').description('evaluate, draw or export a circuit spec (JSON)');
  circuit
    .command('eval <spec>')
    .description('⟨Z⟩ per wire for the inputs; with a cotangent, the VJP for inputs and weights')
    .option('--inputs <json>', 'B×n input angles (overrides the spec)')
    .option('--cotangent <json>', 'B×n cotangent (overrides the spec)')
    .option('--gradient <method>', 'adjoint | parameter-shift')
    .option('--json', 'print JSON (default for this command)')
    .action((path: string, o: { inputs?: string; cotangent?: string; gradient?: string }) => {
      process.stdout.write(JSON.stringify(evalCircuitSpec(loadSpec(path, o))) + '\n');
    });
  circuit
    .command('draw <spec>')
    .description('text diagram of the circuit with its weights; --svg writes an SVG diagram')
    .option('--svg <file>', 'write an SVG diagram')
    .option('--inputs <json>', 'one row of input angles to bind')
    .option('--json', 'print {"qubits", "gates", "text", "svg"} as JSON (svg: the file written, or null)')
    .action((path: string, o: { svg?: string; inputs?: string; json?: boolean }) => {
      const s = loadSpec(path, { inputs: o.inputs });
      const row = s.inputs?.subarray(0, s.qubits);
      const c = specCircuit(s);
      if (o.svg) {
        writeFileAtomic(o.svg, drawSvg(c, s.weights, row));
        if (!o.json) process.stderr.write(`wrote ${o.svg}\n`);
      }
      const text = drawText(c, s.weights, row);
      if (o.json)
        process.stdout.write(
          JSON.stringify({ qubits: s.qubits, gates: c.ops.length, text, svg: o.svg ?? null }) + '\n',
        );
      else process.stdout.write(text + '\n');
    });
  circuit
    .command('qasm <spec>')
    .description('OpenQASM 2.0 or 3.0 with the weights bound')
    .option('--version <n>', '2 or 3', '2')
    .option('--inputs <json>', 'one row of input angles to bind')
    .option('--json', 'print {"version", "qasm"} as JSON')
    .action((path: string, o: { version: string; inputs?: string; json?: boolean }) => {
      const s = loadSpec(path, { inputs: o.inputs });
      if (s.batch !== undefined && s.batch > 1)
        throw new UsageError(`inputs: QASM export binds one row of angles, got ${s.batch} rows`);
      const version = Number(o.version);
      if (version !== 2 && version !== 3) throw new UsageError(`--version: must be 2 or 3, got ${o.version}`);
      const qasm = toQasm(specCircuit(s), s.weights, { version, inputs: s.inputs });
      process.stdout.write(o.json ? JSON.stringify({ version, qasm }) + '\n' : qasm);
    });
}
