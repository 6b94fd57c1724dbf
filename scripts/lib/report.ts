/**
 * A sweep's report: its finished runs grouped by setting (every setting that differs between runs,
 * except the seed), and per setting and lane the test accuracy over seeds as mean ± sample standard
 * deviation, at the last epoch and as each seed's median of the last epochs, beside the seed paper's
 * figure where one exists. Accuracies are fractions in [0, 1] until formatted as percentages.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lanesOf, type ExperimentConfig } from '../../src/config/experiment.ts';
import { isMajorClass } from '../../src/core/mfwWeights.ts';
import type { EpochSnapshot } from '../../src/core/snapshot.ts';
import { MEDIAN_EPOCHS, paperFigure, summariseRun } from '../../src/views/charts/ResultsTable/runSummary.ts';
import type { Manifest } from './sweep.ts';

export interface RunResult {
  /** The results file's name without `.json` (the run's name). */
  name: string;
  config: ExperimentConfig;
  epochs: EpochSnapshot[];
}

/** The finished runs in DIR/runs/, and the names of result files of runs that did not finish (interrupted or short). */
export function readResults(dir: string): { results: RunResult[]; unfinished: string[] } {
  const runsDir = join(dir, 'runs');
  if (!existsSync(runsDir)) throw new Error(`${dir} holds no runs/ folder: is it a sweep's --out folder?`);
  const results: RunResult[] = [];
  const unfinished: string[] = [];
  for (const file of readdirSync(runsDir).filter((f) => f.endsWith('.json') && !f.endsWith('.recording.json')).sort()) {
    const name = file.slice(0, -'.json'.length);
    const data = JSON.parse(readFileSync(join(runsDir, file), 'utf8')) as { config: ExperimentConfig; interrupted: boolean; epochs: EpochSnapshot[] };
    if (data.interrupted || data.epochs.length < data.config.epochs) unfinished.push(name);
    else results.push({ name, config: data.config, epochs: data.epochs });
  }
  return { results, unfinished };
}

/** The runs a manifest in DIR lists as not done (pending, running or failed); empty without a manifest. */
export function runsNotDone(dir: string): string[] {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return [];
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  return manifest.runs.filter((run) => run.state !== 'done').map((run) => `${run.name} (${run.state})`);
}

export interface Spread {
  mean: number;
  /** Sample standard deviation (n − 1); null for a single value. */
  sd: number | null;
}

export function meanAndSd(values: readonly number[]): Spread {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, sd: null };
  const variance = values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

export interface ReportRow {
  /** The swept settings' values (JSON of each), in the order of `ReportData.settingKeys`. */
  setting: string[];
  lane: { id: string; label: string };
  seeds: number;
  last: { balanced: Spread; minor: Spread | null };
  median: { balanced: Spread; minor: Spread | null };
  /** Epochs each seed's median is taken over: MEDIAN_EPOCHS, or fewer where fewer were stored. */
  medianEpochs: number;
  /** The seed paper's balanced test accuracy (%) for this setting and lane, or null. */
  paper: number | null;
}

export interface ReportData {
  /** Settings that differ between the runs, the seed aside. */
  settingKeys: (keyof ExperimentConfig)[];
  rows: ReportRow[];
}

const settingValue = (config: ExperimentConfig, key: keyof ExperimentConfig) => {
  const value = config[key];
  return Array.isArray(value) ? value.join(',') : String(value);
};

/** Groups the runs by setting and summarises each lane over the seeds, in the order the settings first appear. */
export function summariseSweep(results: readonly RunResult[]): ReportData {
  const keys = results.length > 0 ? (Object.keys(results[0].config) as (keyof ExperimentConfig)[]) : [];
  // The spread is over the seeds and the subsets they draw: without subsetSeed= a run's subset seed is its seed.
  const settingKeys = keys.filter((key) => key !== 'seed' && key !== 'subsetSeed' && new Set(results.map((r) => settingValue(r.config, key))).size > 1);
  const groups = new Map<string, RunResult[]>();
  for (const result of results) {
    const setting = JSON.stringify(settingKeys.map((key) => settingValue(result.config, key)));
    groups.set(setting, [...(groups.get(setting) ?? []), result]);
  }
  const rows = [...groups.values()].flatMap((runs) => {
    const { config } = runs[0];
    const isMajor = isMajorClass(config.trainCounts);
    return lanesOf(config).map((lane) => {
      const summaries = runs.map((run) => summariseRun(run.epochs, lane.id, isMajor));
      if (summaries.some((s) => s === null)) throw new Error(`A run of ${lane.id} holds no finite test accuracy: ${runs.map((r) => r.name).join(', ')}.`);
      const seeds = summaries.map((s) => s!);
      const minorOf = (values: (number | null)[]) => (values.every((v) => v !== null) ? meanAndSd(values as number[]) : null);
      return {
        setting: settingKeys.map((key) => settingValue(config, key)),
        lane: { id: lane.id, label: lane.label },
        seeds: seeds.length,
        last: { balanced: meanAndSd(seeds.map((s) => s.last.balanced)), minor: minorOf(seeds.map((s) => s.last.minor)) },
        median: { balanced: meanAndSd(seeds.map((s) => s.median.balanced)), minor: minorOf(seeds.map((s) => s.median.minor)) },
        medianEpochs: Math.min(...seeds.map((s) => s.median.epochs)),
        paper: paperFigure(config, lane),
      };
    });
  });
  return { settingKeys, rows };
}

const percent = (x: number) => (100 * x).toFixed(1);
/** `83.2 ± 1.4` in %; a dash for the spread of one seed, and for a missing value. */
function formatSpread(spread: Spread | null): string {
  if (!spread) return '–';
  return `${percent(spread.mean)} ± ${spread.sd === null ? '–' : percent(spread.sd)}`;
}

/** The report's table as Markdown, then its notes. */
export function reportMarkdown(data: ReportData, notes: { unfinished: string[]; notDone: string[] }): string {
  const header = [...data.settingKeys, 'lane', 'seeds', 'balanced, last epoch', 'minor, last epoch', 'balanced, median', 'minor, median', 'median over', 'paper (balanced)'];
  const rows = data.rows.map((row) => [
    ...row.setting,
    row.lane.label,
    String(row.seeds),
    formatSpread(row.last.balanced),
    formatSpread(row.last.minor),
    formatSpread(row.median.balanced),
    formatSpread(row.median.minor),
    `${row.medianEpochs} epoch${row.medianEpochs === 1 ? '' : 's'}`,
    row.paper === null ? '–' : `${row.paper.toFixed(2)} (§4)`,
  ]);
  const widths = header.map((cell, c) => Math.max(cell.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  const lines = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''];
  lines.push(
    'Test accuracy in %, mean ± sample standard deviation (n − 1) over the seeds (a dash for one seed). Balanced: the mean of the per-class accuracies; ' +
      'minor: the mean over the classes that are not major (no more images than the geometric mean of the counts).',
    `Median: each seed's median of its last ${MEDIAN_EPOCHS} epochs (hongyi-zhang/mixup's protocol), then mean ± sd over the seeds.`,
  );
  const short = data.rows.filter((row) => row.medianEpochs < MEDIAN_EPOCHS);
  if (short.length > 0) lines.push(`Fewer than ${MEDIAN_EPOCHS} epochs were stored for ${short.length} of ${data.rows.length} rows: their median is over the epochs in "median over".`);
  lines.push(
    'Paper: the seed paper’s §4 balanced test accuracy (ERM 78.30, MFW 83.65; ResNet-32, 200 epochs, its subset), shown only for the exact Paper preset setting; a dash elsewhere.',
    'These networks classify from a 2-D feature (the 2-D head): the results are not comparable to the paper’s Table 1, whose numbers use the 64-dimensional feature.',
  );
  if (notes.unfinished.length > 0) lines.push(`Left out, unfinished (interrupted or short of their epochs): ${notes.unfinished.join(', ')}.`);
  if (notes.notDone.length > 0) lines.push(`Not done according to manifest.json: ${notes.notDone.join(', ')}.`);
  return `${lines.join('\n')}\n`;
}

/** The same numbers as CSV, in % with 4 decimals, empty where there is none. */
export function reportCsv(data: ReportData): string {
  const number = (x: number | null | undefined) => (x === null || x === undefined ? '' : (100 * x).toFixed(4));
  const cell = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const spreads = ['balanced_last', 'minor_last', 'balanced_median', 'minor_median'].flatMap((name) => [`${name}_mean`, `${name}_sd`]);
  const header = [...data.settingKeys, 'lane', 'seeds', ...spreads, 'median_epochs', 'paper_balanced'];
  const rows = data.rows.map((row) => [
    ...row.setting,
    row.lane.id,
    String(row.seeds),
    ...[row.last.balanced, row.last.minor, row.median.balanced, row.median.minor].flatMap((spread) => [number(spread?.mean), number(spread?.sd)]),
    String(row.medianEpochs),
    row.paper === null ? '' : row.paper.toFixed(2),
  ]);
  return `${[header, ...rows].map((row) => row.map(cell).join(',')).join('\n')}\n`;
}
