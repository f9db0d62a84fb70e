/** `qmri noise (issue #7)`: placeholder registration; the owner of that issue replaces this file. */
import type { Command } from 'commander';

export function registerNoise(program: Command): void {
  void program;
}
