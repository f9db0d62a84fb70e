/** `qmri run (issue #8)`: placeholder registration; the owner of that issue replaces this file. */
import type { Command } from 'commander';

export function registerRun(program: Command): void {
  void program;
}
