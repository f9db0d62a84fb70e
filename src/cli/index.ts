/**
 * src/cli — the `qmri` command line (commander): main.ts builds the program, commands/*.ts register
 * one subcommand each and call library code in the other folders; errors become one line on stderr
 * and a non-zero exit code. bin/qmri launches it with the libtorch runtime environment.
 */
export { buildProgram } from './main.js';
