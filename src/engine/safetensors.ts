/**
 * The .safetensors format (Hugging Face): u64 little-endian header length, a JSON header mapping
 * names to {dtype, shape, data_offsets}, then raw little-endian data. Reads F32 and I64 (other dtypes
 * are rejected by name); writes atomically. Used for imported torchvision/timm weights and for qmri's
 * own checkpoints.
 */
import { readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic.js';

export type StDType = 'F32' | 'I64';
export interface StEntry {
  dtype: StDType;
  shape: number[];
  data: Float32Array | BigInt64Array;
}
export interface StFile {
  tensors: Map<string, StEntry>;
  metadata: Record<string, string>;
}

const MAX_HEADER = 100 * 1024 * 1024;

export function parseSafetensors(buf: Uint8Array, name = '<buffer>'): StFile {
  if (buf.byteLength < 8)
    throw new Error(`${name}: not a safetensors file (${buf.byteLength} bytes, too short)`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > buf.byteLength)
    throw new Error(
      `${name}: garbled safetensors header (declared header length ${headerLen}, file ${buf.byteLength} bytes)`,
    );
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 8, headerLen).toString('utf8'));
  } catch (e) {
    throw new Error(`${name}: garbled safetensors header: ${(e as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    throw new Error(`${name}: garbled safetensors header: not a JSON object`);
  const dataStart = 8 + headerLen;
  const dataLen = buf.byteLength - dataStart;
  const tensors = new Map<string, StEntry>();
  let metadata: Record<string, string> = {};
  for (const [key, raw] of Object.entries(header)) {
    if (key === '__metadata__') {
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!e || typeof e !== 'object') throw new Error(`${name}: tensor '${key}': entry is not an object`);
    if (e.dtype !== 'F32' && e.dtype !== 'I64')
      throw new Error(
        `${name}: tensor '${key}': unsupported dtype ${String(e.dtype)} (F32 and I64 are supported)`,
      );
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0))
      throw new Error(`${name}: tensor '${key}': invalid shape ${JSON.stringify(e.shape)}`);
    const off = e.data_offsets;
    if (
      !Array.isArray(off) ||
      off.length !== 2 ||
      !off.every((d) => Number.isInteger(d) && d >= 0) ||
      off[1] < off[0]
    )
      throw new Error(`${name}: tensor '${key}': invalid data_offsets ${JSON.stringify(off)}`);
    const numel = (e.shape as number[]).reduce((a, b) => a * b, 1);
    const width = e.dtype === 'F32' ? 4 : 8;
    if (off[1] - off[0] !== numel * width)
      throw new Error(
        `${name}: tensor '${key}': data size ${off[1] - off[0]} does not match shape [${e.shape}] × ${width} bytes`,
      );
    if (off[1] > dataLen)
      throw new Error(
        `${name}: truncated: tensor '${key}' ends at byte ${off[1]} but the data section has ${dataLen}`,
      );
    const bytes = buf.slice(dataStart + off[0], dataStart + off[1]);
    const data =
      e.dtype === 'F32'
        ? new Float32Array(bytes.buffer, bytes.byteOffset, numel)
        : new BigInt64Array(bytes.buffer, bytes.byteOffset, numel);
    tensors.set(key, { dtype: e.dtype, shape: e.shape as number[], data });
  }
  return { tensors, metadata };
}

export function readSafetensors(path: string): StFile {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new Error(`${path}: weights file not found`);
  }
  if (!st.isFile()) throw new Error(`${path}: not a file`);
  return parseSafetensors(readFileSync(path), path);
}

export function encodeSafetensors(
  entries: Iterable<[string, StEntry]>,
  metadata: Record<string, string> = {},
): Buffer[] {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, e] of entries) {
    const numel = e.shape.reduce((a, b) => a * b, 1);
    if (numel !== e.data.length)
      throw new Error(`safetensors: tensor '${name}' has ${e.data.length} values for shape [${e.shape}]`);
    const b = Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength);
    header[name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + b.byteLength] };
    chunks.push(b);
    offset += b.byteLength;
  }
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return [head, Buffer.from(json), ...chunks];
}

export function writeSafetensors(
  path: string,
  entries: Iterable<[string, StEntry]>,
  metadata: Record<string, string> = {},
): void {
  writeFileAtomic(path, encodeSafetensors(entries, metadata));
}
