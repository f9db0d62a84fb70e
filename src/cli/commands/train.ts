/** `qmri train (issue #5)`: placeholder registration; the owner of that issue replaces this file. */
import type { Command } from 'commander';

export function registerTrain(program: Command): void {
  void program;
}
