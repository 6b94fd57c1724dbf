/**
 * A sweep's report: its finished runs grouped by setting (every setting that differs between runs,
 * except the seed and the subset seed, which it spreads over), and per setting and lane the test accuracy over seeds as mean ± sample standard
 * deviation, at the last epoch and as each seed's median of the last epochs, beside the published
 * figures whose protocol the runs share (published.ts), and how the runs relate to Table 1's protocol.
 * Accuracies are fractions in [0, 1] until formatted as percentages.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEGACY_TRAINING, lanesOf, type ExperimentConfig } from '../../src/config/experiment.ts';
import { isMajorClass } from '../../src/core/mfwWeights.ts';
import { meanAndSd, type Spread } from '../../src/core/seedBands.ts';
import type { EpochSnapshot } from '../../src/core/snapshot.ts';
import { MEDIAN_EPOCHS, summariseRun } from '../../src/views/charts/ResultsTable/runSummary.ts';
import { protocolLabel, PUBLISHED_TAGS, publishedFigures, type PublishedFigure } from './published.ts';
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
    // Results from before the 64-d feature and the LDAM schedule trained the 2-D feature with the cosine one.
    const config = { ...data.config, featureDim: data.config.featureDim ?? LEGACY_TRAINING.featureDim, schedule: data.config.schedule ?? LEGACY_TRAINING.schedule };
    if (data.interrupted || data.epochs.length < config.epochs) unfinished.push(name);
    else results.push({ name, config, epochs: data.epochs });
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

export interface ReportRow {
  /** The swept settings' values (JSON of each), in the order of `ReportData.settingKeys`. */
  setting: string[];
  lane: { id: string; label: string };
  seeds: number;
  last: { balanced: Spread; minor: Spread | null };
  median: { balanced: Spread; minor: Spread | null };
  /** Epochs each seed's median is taken over: MEDIAN_EPOCHS, or fewer where fewer were stored. */
  medianEpochs: number;
  /** The seed paper's balanced test accuracy (%) for this setting and lane (its §4 or Table 1), or null. */
  paper: number | null;
  /** Every published figure with this setting's protocol, with its source's tag (the seed paper's first). */
  published: PublishedFigure[];
  /** How the setting relates to Table 1's protocol: "2-D head: not comparable to Table 1", "Table 1", or what differs. */
  protocol: string;
}

export interface ReportData {
  /** Settings that differ between the runs, the seed and the subset seed aside. */
  settingKeys: (keyof ExperimentConfig)[];
  rows: ReportRow[];
}

const settingValue = (config: ExperimentConfig, key: keyof ExperimentConfig) => {
  const value = config[key];
  return Array.isArray(value) ? value.join(',') : String(value);
};

/** The runs of one setting (one value of every swept setting but the seed and the subset seed), one per seed. */
export interface SettingGroup {
  /** The swept settings' values, in the order of `settingKeys`. */
  setting: string[];
  runs: RunResult[];
}

/** Groups the runs by setting (every setting that differs between them, the seed and the subset seed aside), in the order the settings first appear. */
export function groupBySetting(results: readonly RunResult[]): { settingKeys: (keyof ExperimentConfig)[]; groups: SettingGroup[] } {
  const keys = results.length > 0 ? (Object.keys(results[0].config) as (keyof ExperimentConfig)[]) : [];
  // The spread is over the seeds and the subsets they draw: without subsetSeed= a run's subset seed is its seed.
  const settingKeys = keys.filter((key) => key !== 'seed' && key !== 'subsetSeed' && new Set(results.map((r) => settingValue(r.config, key))).size > 1);
  const groups = new Map<string, SettingGroup>();
  for (const result of results) {
    const setting = settingKeys.map((key) => settingValue(result.config, key));
    const id = JSON.stringify(setting);
    groups.set(id, { setting, runs: [...(groups.get(id)?.runs ?? []), result] });
  }
  return { settingKeys, groups: [...groups.values()] };
}

/** Summarises each lane of each setting over the seeds. */
export function summariseSweep(results: readonly RunResult[]): ReportData {
  const { settingKeys, groups } = groupBySetting(results);
  const rows = groups.flatMap(({ setting, runs }) => {
    const { config } = runs[0];
    const isMajor = isMajorClass(config.trainCounts);
    return lanesOf(config).map((lane) => {
      const summaries = runs.map((run) => summariseRun(run.epochs, lane.id, isMajor));
      if (summaries.some((s) => s === null)) throw new Error(`A run of ${lane.id} holds no finite test accuracy: ${runs.map((r) => r.name).join(', ')}.`);
      const seeds = summaries.map((s) => s!);
      const minorOf = (values: (number | null)[]) => (values.every((v) => v !== null) ? meanAndSd(values as number[]) : null);
      return {
        setting,
        lane: { id: lane.id, label: lane.label },
        seeds: seeds.length,
        last: { balanced: meanAndSd(seeds.map((s) => s.last.balanced)), minor: minorOf(seeds.map((s) => s.last.minor)) },
        median: { balanced: meanAndSd(seeds.map((s) => s.median.balanced)), minor: minorOf(seeds.map((s) => s.median.minor)) },
        medianEpochs: Math.min(...seeds.map((s) => s.median.epochs)),
        ...publishedOf(config, lane),
      };
    });
  });
  return { settingKeys, rows };
}

/** A row's published figures and protocol label. */
function publishedOf(config: ExperimentConfig, lane: Parameters<typeof publishedFigures>[1]): Pick<ReportRow, 'paper' | 'published' | 'protocol'> {
  const published = publishedFigures(config, lane);
  return { paper: seedPaper(published)?.value ?? null, published, protocol: protocolLabel(config) };
}

/** The seed paper's figure among published ones (its §4 or its Table 1). */
function seedPaper(figures: readonly PublishedFigure[]): PublishedFigure | undefined {
  return figures.find((figure) => figure.tag === '§4' || figure.tag === 'Table 1');
}

/** `71.1 (Table 1); 70.36 (LDAM Table 2)`, or a dash. */
function formatPublished(figures: readonly PublishedFigure[]): string {
  return figures.length === 0 ? '–' : figures.map(({ value, tag }) => `${tag === '§4' ? value.toFixed(2) : String(value)} (${tag})`).join('; ');
}

const percent = (x: number) => (100 * x).toFixed(1);
/** `83.2 ± 1.4` in %; a dash for the spread of one seed, and for a missing value. */
function formatSpread(spread: Spread | null): string {
  if (!spread) return '–';
  return `${percent(spread.mean)} ± ${spread.sd === null ? '–' : percent(spread.sd)}`;
}

/** The report's table as Markdown, then its notes, then its figures (paths relative to the report) as image links. */
export function reportMarkdown(data: ReportData, notes: { unfinished: string[]; notDone: string[]; figures?: { path: string; title: string }[] }): string {
  const header = [...data.settingKeys, 'lane', 'seeds', 'balanced, last epoch', 'minor, last epoch', 'balanced, median', 'minor, median', 'median over', 'published (balanced)', 'protocol'];
  const rows = data.rows.map((row) => [
    ...row.setting,
    row.lane.label,
    String(row.seeds),
    formatSpread(row.last.balanced),
    formatSpread(row.last.minor),
    formatSpread(row.median.balanced),
    formatSpread(row.median.minor),
    `${row.medianEpochs} epoch${row.medianEpochs === 1 ? '' : 's'}`,
    formatPublished(row.published),
    row.protocol,
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
  const tags = [...new Set(data.rows.flatMap((row) => row.published.map((figure) => figure.tag)))];
  lines.push(
    'Published: balanced test accuracy as its source reports it (one figure, not a spread), shown only where the runs share its protocol, tagged by source' +
      (tags.length > 0 ? `: ${tags.map((tag) => `${tag}, ${PUBLISHED_TAGS[tag]}`).join('; ')}.` : ' (none here).'),
    'Protocol: “2-D head: not comparable to Table 1” for networks that classify from the 2-D feature (Table 1’s numbers use the 64-dimensional feature, 10 classes, ' +
      'ResNet-32, 200 epochs and the LDAM schedule); for 64-d runs, “Table 1” or the settings in which they differ from it.',
  );
  if (notes.unfinished.length > 0) lines.push(`Left out, unfinished (interrupted or short of their epochs): ${notes.unfinished.join(', ')}.`);
  if (notes.notDone.length > 0) lines.push(`Not done according to manifest.json: ${notes.notDone.join(', ')}.`);
  if (notes.figures?.length) {
    lines.push('', '## Curves over the seeds', '', 'Each lane’s mean over the seeds with a band of ± 1 sample standard deviation, one figure per setting.');
    for (const figure of notes.figures) lines.push('', `![${figure.title}](${figure.path})`);
  }
  return `${lines.join('\n')}\n`;
}

/** The same numbers as CSV, in % with 4 decimals, empty where there is none. */
export function reportCsv(data: ReportData): string {
  const number = (x: number | null | undefined) => (x === null || x === undefined ? '' : (100 * x).toFixed(4));
  const cell = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const spreads = ['balanced_last', 'minor_last', 'balanced_median', 'minor_median'].flatMap((name) => [`${name}_mean`, `${name}_sd`]);
  const header = [...data.settingKeys, 'lane', 'seeds', ...spreads, 'median_epochs', 'paper_balanced', 'paper_source', 'published', 'protocol'];
  const rows = data.rows.map((row) => [
    ...row.setting,
    row.lane.id,
    String(row.seeds),
    ...[row.last.balanced, row.last.minor, row.median.balanced, row.median.minor].flatMap((spread) => [number(spread?.mean), number(spread?.sd)]),
    String(row.medianEpochs),
    row.paper === null ? '' : row.paper.toFixed(2),
    seedPaper(row.published)?.tag ?? '',
    row.published.map(({ value, tag }) => `${value} ${tag}`).join('; '),
    row.protocol,
  ]);
  return `${[header, ...rows].map((row) => row.map(cell).join(',')).join('\n')}\n`;
}
