/** Decoding every sample once (bounded concurrency): what the audit, the split and the manifest need to know. */
import { join, relative } from 'node:path';
import { decodeFile } from './decode.js';
import { DataError, problemOf, type DataErrorCode } from './errors.js';
import { dHash, sha256, type PHash } from './hash.js';
import { mapLimit } from './pool.js';
import type { ScanItem } from './scan.js';
import type { Box } from './types.js';

export interface FileFacts extends ScanItem {
  ok: boolean;
  problem?: string;
  code?: DataErrorCode;
  width: number;
  height: number;
  channels: number;
  format: string;
  sha256: string;
  dhash: PHash | null;
  box: Box | null;
  slice?: number;
}

export async function examineFiles(
  root: string,
  items: readonly ScanItem[],
  opts: { maxPixels?: number; concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<FileFacts[]> {
  return mapLimit(
    items,
    opts.concurrency ?? 2,
    async (it): Promise<FileFacts> => {
      const base = {
        ...it,
        width: 0,
        height: 0,
        channels: 0,
        format: '',
        sha256: '',
        dhash: null,
        box: null,
      };
      try {
        const { raster, bytes } = await decodeFile(join(root, it.file), { maxPixels: opts.maxPixels });
        return {
          ...base,
          group: raster.group ?? it.group,
          ok: true,
          width: raster.width,
          height: raster.height,
          channels: raster.channels,
          format: raster.format,
          sha256: sha256(bytes),
          dhash: await dHash(raster),
          box: raster.box,
          ...(raster.slice !== undefined ? { slice: raster.slice } : {}),
        };
      } catch (err) {
        if (!(err instanceof DataError)) throw err;
        return {
          ...base,
          ok: false,
          code: err.code,
          problem: `${err.file === join(root, it.file) ? '' : relative(root, err.file) + ': '}${problemOf(err)}`,
        };
      }
    },
    opts.onProgress,
  );
}
