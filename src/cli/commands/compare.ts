/** `qmri compare (issue #5)`: placeholder registration; the owner of that issue replaces this file. */
import type { Command } from 'commander';

export function registerCompare(program: Command): void {
  void program;
}
