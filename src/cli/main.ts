/** The `qmri` command line: one program, a subcommand per job. */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { enterDevice } from '../engine/index.js';
import { reportError } from './errors.js';
import { registerCircuit } from './commands/circuit.js';
import { registerCompare } from './commands/compare.js';
import { registerData } from './commands/data.js';
import { registerDemo } from './commands/demo.js';
import { registerEmbed } from './commands/embed.js';
import { registerEnsemble } from './commands/ensemble.js';
import { registerExplain } from './commands/explain.js';
import { registerNoise } from './commands/noise.js';
import { registerPredict } from './commands/predict.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerServe } from './commands/serve.js';
import { registerTrain } from './commands/train.js';

export const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('qmri')
    .description(
      'Hybrid quantum-classical brain-tumor MRI classification with Grad-CAM/SHAP and NISQ noise evaluation',
    )
    .enablePositionalOptions()
    .option('-V, --version', 'print the version')
    // commander's own errors (unknown option, missing argument) are printed by main() as one line
    .configureOutput({ outputError: () => {} })
    .exitOverride();
  registerCircuit(program);
  registerCompare(program);
  registerData(program);
  registerDemo(program);
  registerEmbed(program);
  registerEnsemble(program);
  registerExplain(program);
  registerNoise(program);
  registerPredict(program);
  registerReport(program);
  registerRun(program);
  registerServe(program);
  registerTrain(program);
  addDeviceOption(program);
  return program;
}

// commands that compute with libtorch take --device; it holds for the command's lifetime
const COMPUTING = [
  'compare',
  'demo',
  'embed',
  'ensemble',
  'explain',
  'noise',
  'predict',
  'run',
  'serve',
  'train',
];

function addDeviceOption(program: Command): void {
  for (const c of program.commands)
    if (COMPUTING.includes(c.name()))
      c.option('--device <device>', "where tensors live: 'cpu' (default) or 'cuda[:n]' (a CUDA libtorch)");
  let restore: (() => void) | null = null;
  program.hook('preAction', (_root, cmd) => {
    const device = (cmd.opts() as { device?: string }).device;
    if (device !== undefined) restore = enterDevice(device);
  });
  program.hook('postAction', () => {
    restore?.();
    restore = null;
  });
}

/** The subcommand words of argv (before the first option), for the usage hint of an error. */
function commandPath(argv: string[]): string {
  const words: string[] = [];
  for (const a of argv.slice(2)) {
    if (a.startsWith('-') || words.length === 2) break;
    words.push(a);
  }
  return words.map((w) => `${w} `).join('');
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const first = argv[2];
  if (first === '--version' || first === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help')
      return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      const msg = (err as Error).message.replace(/^error:\s*/, '').split('\n')[0];
      const path =
        code === 'commander.unknownCommand' ? commandPath(argv).replace(/\S+ $/, '') : commandPath(argv);
      process.stderr.write(`qmri: error: ${msg} (see qmri ${path}--help)\n`);
      return 2;
    }
    return reportError(err);
  }
}

// run only as the program (bin/qmri), not when a test imports buildProgram
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href)
  void main(process.argv).then((c) => {
    process.exitCode = c;
  });
