/** CLI error handling: one clear line on stderr and a non-zero exit; stack traces with QMRI_DEBUG=1. */
export class UsageError extends Error {}

export function reportError(err: unknown): number {
  const e = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(`qmri: error: ${e.message.split('\n')[0]}\n`);
  if (process.env.QMRI_DEBUG) process.stderr.write(`${e.stack}\n`);
  return e instanceof UsageError ? 2 : 1;
}
