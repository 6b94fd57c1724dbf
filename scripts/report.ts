/**
 * Summarises a sweep (npm run sweep): prints per setting and lane the test accuracy over seeds, and
 * writes it to DIR/report.md and DIR/report.csv, with one SVG figure of the curves per setting in
 * DIR/figures/. `npm run report -- --help` for the usage.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, UsageError, type CommandSpec } from './lib/cli.ts';
import { readResults, reportCsv, reportMarkdown, runsNotDone, summariseSweep } from './lib/report.ts';
import { settingFigures } from './lib/reportFigures.ts';

const REPORT_COMMAND: CommandSpec = {
  command: 'npm run report --',
  synopsis: 'DIR',
  summary:
    'Reads the finished runs of a sweep (DIR/runs/*.json, written by npm run sweep or by its --emit=commands lines) and prints, for each setting ' +
    '(the settings that differ between runs, the seed aside) and lane, the balanced and minor-class test accuracy as mean ± sample standard ' +
    'deviation over the seeds, at the last epoch and as each seed’s median of the last 10 epochs, with the number of seeds, the published ' +
    'figures whose protocol the runs share, each tagged by source (the seed paper’s §4 and Table 1, the LDAM-DRW paper’s tables), and how the ' +
    'setting relates to Table 1’s protocol (“2-D head: not comparable to Table 1” for the 2-D feature). Writes the same to DIR/report.md and DIR/report.csv. ' +
    'Draws per setting an SVG figure of each lane’s balanced and minor-class test accuracy over the epochs (the mean over the seeds, a band of ' +
    '± 1 sample standard deviation) in DIR/figures/, linked from report.md.',
  positionals: { valueName: 'DIR', description: 'The sweep’s --out folder.' },
  flags: [],
  examples: ['npm run report -- sweeps/quick'],
};

await runCommand(REPORT_COMMAND, process.argv.slice(2), async ({ positionals }) => {
  if (positionals.length !== 1) throw new UsageError('Give exactly one sweep folder (the --out of npm run sweep).');
  const [dir] = positionals;
  const { results, unfinished } = readResults(dir);
  if (results.length === 0) throw new Error(`No finished run in ${join(dir, 'runs')} yet.`);
  const data = summariseSweep(results);
  const figures = settingFigures(results);
  // The folder is the report's own: figures of an earlier report (whose settings were named otherwise) go.
  const figuresDir = join(dir, 'figures');
  mkdirSync(figuresDir, { recursive: true });
  for (const old of readdirSync(figuresDir).filter((file) => file.endsWith('.svg'))) rmSync(join(figuresDir, old));
  for (const figure of figures) writeFileSync(join(dir, figure.path), figure.svg);
  const markdown = reportMarkdown(data, { unfinished, notDone: runsNotDone(dir), figures });
  writeFileSync(join(dir, 'report.md'), markdown);
  writeFileSync(join(dir, 'report.csv'), reportCsv(data));
  console.log(markdown);
  process.stderr.write(`wrote ${join(dir, 'report.md')}, ${join(dir, 'report.csv')} and ${figures.length} figure${figures.length === 1 ? '' : 's'} in ${figuresDir}\n`);
});
