/** Stage `data`: the manifest and audit of the images (src/data prepareData). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DEFAULT_PROXY,
  changedEntries,
  prepareData,
  readManifest,
  writeProxySet,
  type DataConfig,
} from '../../data/index.js';
import { runPaths } from '../../run/index.js';
import type { ExperimentConfig } from '../config.js';
import type { Manifest } from '../../data/index.js';
import type { StageDef } from './types.js';

/** The data stage's DataConfig (src/data) from the experiment config's data section. */
export function dataConfigOf(run: string, cfg: ExperimentConfig): DataConfig {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { synthetic, proxy, ...rest } = cfg.data;
  const dir = synthetic ? runPaths(run).phantomsDir : resolve(rest.dir!);
  return { ...rest, dir, layout: rest.layout as DataConfig['layout'] };
}

/**
 * The data of a run as `qmri run` and `qmri train` both prepare it: the manifest and audit, then the
 * cross-source proxy of the test split when the config asks for one (data.proxy).
 */
export async function prepareRunData(
  run: string,
  cfg: ExperimentConfig,
  o: { log?: (line: string) => void; onProgress?: (done: number, total: number) => void },
): Promise<Manifest> {
  const m = await prepareData(run, dataConfigOf(run, cfg), o);
  if (cfg.data.proxy) {
    const px = await writeProxySet(run, m, { ...DEFAULT_PROXY, seed: cfg.data.proxy.seed });
    o.log?.(
      `data: cross-source proxy of the ${px.entries.length} test images written (seed ${cfg.data.proxy.seed})`,
    );
  }
  return m;
}

export const dataStage: StageDef = {
  name: 'data',
  off: () => null,
  config(cfg) {
    const { synthetic, ...rest } = cfg.data;
    return { ...rest, synthetic: !!synthetic };
  },
  outputs: (p) => [p.manifest, p.audit],
  done: (p) => existsSync(p.manifest) && existsSync(p.audit),
  // the images are read by content: one edited since the manifest (sha256) redoes data and what follows
  stale(p) {
    if (!existsSync(p.manifest)) return null;
    const m = readManifest(p.manifest);
    const n = changedEntries(m.root, m.entries).length;
    return n ? `${n} image(s) changed since the manifest (sha256)` : null;
  },
  async run({ run, cfg, log, progress }) {
    let started = false;
    const m = await prepareRunData(run, cfg, {
      log,
      onProgress: (done, total) => {
        if (!started) progress.start(total, 'data: decode and audit');
        started = true;
        progress.update(done);
      },
    });
    progress.stop();
    return `${m.entries.length} images, ${m.classes.length} classes`;
  },
};
