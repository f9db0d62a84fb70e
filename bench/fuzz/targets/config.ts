/** The experiment config loader (src/cli/config.ts over src/config): YAML and JSON; UsageError only. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../../src/cli/config.js';
import { UsageError } from '../../../src/cli/errors.js';
import { jsonEdits, type Seed } from '../mutate.js';
import { scratch } from './files.js';
import { namesFileAndProblem, type FuzzTarget } from './target.js';

const TRAIN = fileURLToPath(new URL('../../train/', import.meta.url));
const YAMLS = ['real128.yaml', 'real128-progressive.yaml', 'real128-crop-dedup.yaml'];

function configTarget(name: string, json: boolean): FuzzTarget {
  const texts = () => YAMLS.map((f) => readFileSync(TRAIN + f, 'utf8'));
  return {
    name,
    async seeds(): Promise<Seed[]> {
      return texts().map((t, i) => ({
        name: YAMLS[i],
        bytes: Buffer.from(json ? JSON.stringify(parseYaml(t)) : t),
      }));
    },
    extra: () => jsonEdits(texts().map((t) => parseYaml(t) as object)),
    fileName: (i) => scratch(`case-${i}.${json ? 'json' : 'yaml'}`),
    async run(bytes, file) {
      writeFileSync(file, bytes);
      try {
        loadConfig(file);
      } finally {
        rmSync(file, { force: true });
      }
    },
    wrongError: (err, file) => namesFileAndProblem(err, file, (e) => e instanceof UsageError),
  };
}

export const configYaml = configTarget('config-yaml', false);
export const configJson = configTarget('config-json', true);
