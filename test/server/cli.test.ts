/** `qmri serve` end to end: starts on a free loopback port, answers, stops on SIGTERM; bad flags fail early. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { getJson } from './helpers.js';
import { buildTinyRun } from './tiny-run.js';

const QMRI = join(process.cwd(), 'bin', 'qmri');

describe('qmri serve', () => {
  test('serves a run on 127.0.0.1 and stops cleanly on SIGTERM', async () => {
    const run = await buildTinyRun();
    const p = spawn(QMRI, ['serve', '--run', run, '--port', '0', '--threads', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    const url = await new Promise<string>((resolve, reject) => {
      p.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /qmri serve: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(err);
        if (m) resolve(m[1]);
      });
      p.on('exit', (c) => reject(new Error(`exited ${c}: ${err}`)));
    });
    const info = await getJson(`${url}api/info`);
    assert.deepEqual(info.classes, ['glioma', 'meningioma', 'notumor', 'pituitary']);
    const code = await new Promise<number | null>((resolve) => {
      p.on('exit', (c) => resolve(c));
      p.kill('SIGTERM');
    });
    assert.equal(code, 0);
    assert.match(err, /GET \/api\/info 200/);
    rmSync(run, { recursive: true, force: true });
  });

  test('bad arguments: one line on stderr and exit code 2, before anything is loaded', () => {
    for (const [args, re] of [
      [['serve', '--run', '/nonexistent/run'], /--run: \/nonexistent\/run: no such run folder/],
    ] as const) {
      const r = spawnSync(QMRI, [...args], { encoding: 'utf8' });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, re);
    }
  });
});
