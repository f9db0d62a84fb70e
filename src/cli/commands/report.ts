/** `qmri report (issue #8)`: placeholder registration; the owner of that issue replaces this file. */
import type { Command } from 'commander';

export function registerReport(program: Command): void {
  void program;
}
