/** `qmri explain (issue #6)`: placeholder registration; the owner of that issue replaces this file. */
import type { Command } from 'commander';

export function registerExplain(program: Command): void {
  void program;
}
