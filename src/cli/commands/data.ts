/** `qmri data synth / data inspect (issue #4)`: placeholder registration; the owner of that issue replaces this file. */
import type { Command } from 'commander';

export function registerData(program: Command): void {
  void program;
}
