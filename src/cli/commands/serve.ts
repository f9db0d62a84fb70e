/** `qmri serve (issue #9)`: placeholder registration; the owner of that issue replaces this file. */
import type { Command } from 'commander';

export function registerServe(program: Command): void {
  void program;
}
