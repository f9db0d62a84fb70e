/**
 * Reading a JSON file (a run's head, backbone description, stored config) so that a file that cannot
 * be read or parsed fails naming it: `<path>: not valid JSON (<the reason>)`, as the error class the
 * caller gives (Error by default; the CLI's UsageError for a user's file).
 */
import { readFileSync } from 'node:fs';

export function readJsonFile(path: string, error: (message: string) => Error = (m) => new Error(m)): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw error(`${path}: not valid JSON (${(err as Error).message})`);
  }
}
