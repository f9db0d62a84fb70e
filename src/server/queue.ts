/**
 * One queue for all model work. libtorch calls are synchronous, hold the event loop and share one
 * autograd grad-mode flag per thread, so jobs run strictly one after another; a job that waited in
 * the queue longer than its deadline is refused (503) instead of being started late.
 */
import { HttpError } from './errors.js';

export class ModelQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  running = 0;
  maxRunning = 0;

  constructor(private readonly maxWaiting = 64) {}

  get pending(): number {
    return this.waiting;
  }

  run<T>(job: () => T | Promise<T>, deadline = Infinity): Promise<T> {
    if (this.waiting >= this.maxWaiting)
      return Promise.reject(new HttpError(503, `server busy: ${this.waiting} model jobs are queued`));
    this.waiting++;
    const start = this.tail.then(async () => {
      this.waiting--;
      if (Date.now() > deadline) throw new HttpError(503, 'request timed out waiting for the model');
      this.running++;
      this.maxRunning = Math.max(this.maxRunning, this.running);
      try {
        return await job();
      } finally {
        this.running--;
      }
    });
    this.tail = start.catch(() => undefined);
    return start;
  }
}
