/** `qmri report --run RUN`: (re)writes RUN/report.html from whatever the stages have written. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeReport } from '../../report/index.js';
import { existingRun } from '../options.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      '(re)write the self-contained HTML report of a run folder (RUN/report.html, plots in RUN/report/plots)',
    )
    .requiredOption('--run <dir>', 'run folder')
    .option('--title <text>', 'report title (default: the config’s report.title)')
    .option('--json', 'print {"report": path, "summary": …} as JSON')
    .action(async (o: { run: string; title?: string; json?: boolean }) => {
      const run = existingRun(resolve(o.run));
      const path = await writeReport(run, { title: o.title });
      if (o.json) {
        const { readFileSync } = await import('node:fs');
        const summary = JSON.parse(readFileSync(resolve(run, 'report', 'summary.json'), 'utf8'));
        process.stdout.write(JSON.stringify({ report: path, summary }) + '\n');
      } else process.stdout.write(`report: ${path}\n`);
    });
}
