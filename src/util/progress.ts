/**
 * Progress reporting for long work (training epochs, feature extraction, sweeps). Library code takes a
 * `ProgressSink` and never knows whether a terminal is attached: the CLI passes `cliProgress()` (a
 * cli-progress bar with ETA and live metrics on stderr, when stderr is a TTY and --json is off) or
 * `nullProgress` (silent). A sink may be started again after stop() for the next phase.
 */
import cliProgress from 'cli-progress';

export interface ProgressSink {
  /** begins a phase of `total` steps, labelled (e.g. 'backbone epoch 3/10') */
  start(total: number, label: string): void;
  /** `done` steps finished so far; `info` holds live metrics shown next to the bar (loss, acc, …) */
  update(done: number, info?: Record<string, string | number>): void;
  /** ends the phase (clears the bar) */
  stop(): void;
  /** optional: prints a log line without tearing the bar (the CLI sink has it) */
  log?(line: string): void;
}

/** A log function that goes through the sink when it can (bar kept intact), else to stderr. */
export function logVia(sink: ProgressSink): (line: string) => void {
  return (line) => (sink.log ? sink.log(line) : process.stderr.write(`${line}\n`));
}

/** A sink that shows nothing. */
export const nullProgress: ProgressSink = {
  start() {},
  update() {},
  stop() {},
};

function formatInfo(info: Record<string, string | number> | undefined): string {
  if (!info) return '';
  return Object.entries(info)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? formatNumber(v) : v}`)
    .join('  ');
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(a < 1 ? 4 : 2);
}

/** Whether live bars make sense: stderr is an interactive terminal, not CI, and JSON is not asked for. */
export function progressEnabled(opts: { json?: boolean; quiet?: boolean } = {}): boolean {
  if (opts.json || opts.quiet) return false;
  if (process.env.CI === 'true' || process.env.QMRI_NO_PROGRESS) return false;
  return !!process.stderr.isTTY;
}

/** A cli-progress bar on stderr with ETA and live metrics; the null sink when progress is not enabled. */
export function cliProgressSink(opts: { json?: boolean; quiet?: boolean } = {}): ProgressSink {
  if (!progressEnabled(opts)) return nullProgress;
  let bar: cliProgress.SingleBar | null = null;
  return {
    start(total, label) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        {
          format: '{label} [{bar}] {value}/{total} | ETA {eta_formatted} | {info}',
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 20,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(0, total), 0, { label, info: '' });
    },
    update(done, info) {
      bar?.update(done, { info: formatInfo(info) });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
    log(line) {
      if (!bar) {
        process.stderr.write(`${line}\n`);
        return;
      }
      process.stderr.write(`\r\x1b[K${line}\n`);
      bar.render();
    },
  };
}

/** A sink that records every call (for tests and logs): `events` holds them in order. */
export function recordingProgress(): ProgressSink & {
  events: { kind: 'start' | 'update' | 'stop'; total?: number; label?: string; done?: number }[];
} {
  const events: { kind: 'start' | 'update' | 'stop'; total?: number; label?: string; done?: number }[] = [];
  return {
    events,
    start: (total, label) => events.push({ kind: 'start', total, label }),
    update: (done) => events.push({ kind: 'update', done }),
    stop: () => events.push({ kind: 'stop' }),
  };
}
