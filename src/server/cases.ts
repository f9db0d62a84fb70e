/**
 * The in-memory case store: uploaded slices live only here (never on disk), bounded by count with
 * least-recently-used eviction, keyed by a random id. DICOM uploads keep only their pixel slice
 * (no header, no tags, not even the file name); NIfTI uploads keep their bytes so another slice can
 * be picked without uploading again.
 */
import { randomUUID } from 'node:crypto';
import type { UploadKind } from './decode.js';
import type { PreparedImage } from '../data/index.js';
import type { CaseAnalysis } from '../explain/index.js';

export interface Case {
  id: string;
  label: string;
  kind: UploadKind;
  slices: number;
  slice: number;
  /** preprocessed exactly as in training (src/data) */
  image: PreparedImage;
  /** pooled backbone features (1×D) */
  pooled: Float32Array;
  /** class probabilities of the backbone's own classifier */
  backbone: number[];
  /** volume bytes for slice changes (NIfTI only) */
  volume?: Uint8Array;
  /** trusted server-side source (gallery cases) */
  galleryIndex?: number;
  /** explanations already computed, keyed by layer and target class */
  explained: Map<string, CaseAnalysis>;
}

export class CaseStore {
  private readonly map = new Map<string, Case>();
  /**
   * @param max most cases kept
   * @param maxVolumeBytes most NIfTI bytes kept across cases (older volumes are dropped first; their
   *   cases stay viewable but can no longer change slice)
   */
  constructor(
    private readonly max = 32,
    private readonly maxVolumeBytes = 256 * 1024 * 1024,
  ) {}

  add(c: Omit<Case, 'id'>): Case {
    const full = { ...c, id: randomUUID() };
    this.map.set(full.id, full);
    this.trim();
    return full;
  }

  private trim(): void {
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
    let bytes = 0;
    for (const c of [...this.map.values()].reverse()) {
      bytes += c.volume?.length ?? 0;
      if (bytes > this.maxVolumeBytes) c.volume = undefined;
    }
  }

  get(id: string): Case | undefined {
    const c = this.map.get(id);
    if (c) {
      this.map.delete(id);
      this.map.set(id, c);
    }
    return c;
  }

  replace(c: Case): void {
    this.map.set(c.id, c);
    this.trim();
  }

  get size(): number {
    return this.map.size;
  }
}
