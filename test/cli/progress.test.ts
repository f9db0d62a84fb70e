import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cliProgressSink,
  nullProgress,
  progressEnabled,
  recordingProgress,
} from '../../src/util/progress.js';

test('progress is off under --json and when stderr is not a TTY', () => {
  assert.equal(progressEnabled({ json: true }), false);
  assert.equal(progressEnabled({ quiet: true }), false);
  if (!process.stderr.isTTY) {
    assert.equal(progressEnabled(), false);
    assert.equal(cliProgressSink(), nullProgress);
  }
  assert.equal(cliProgressSink({ json: true }), nullProgress);
});

test('the null sink accepts every call and the recording sink keeps them in order', () => {
  nullProgress.start(3, 'x');
  nullProgress.update(1, { loss: 0.5 });
  nullProgress.stop();
  const r = recordingProgress();
  r.start(2, 'epochs');
  r.update(1);
  r.update(2);
  r.stop();
  assert.deepEqual(
    r.events.map((e) => e.kind),
    ['start', 'update', 'update', 'stop'],
  );
  assert.equal(r.events[0].total, 2);
  assert.equal(r.events[0].label, 'epochs');
});
