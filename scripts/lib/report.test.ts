import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PAPER_CONFIG, type ExperimentConfig } from '../../src/config/experiment.ts';
import type { EpochSnapshot } from '../../src/core/snapshot.ts';
import { readResults, reportCsv, reportMarkdown, summariseSweep, type RunResult } from './report.ts';
import { TABLE1_PROTOCOL } from './published.ts';

// Counts 40,40,8,8: classes 0 and 1 are major, 2 and 3 minor.
const CONFIG: ExperimentConfig = { ...DEFAULT_CONFIG, imbalance: 'custom', trainCounts: [40, 40, 8, 8], epochs: 3, methods: ['erm', 'mfw'] };

/** A run whose lanes have these per-class test accuracies at epochs 1, 2, 3 (the rest of a snapshot is not read). */
function run(name: string, config: ExperimentConfig, accuracies: Record<string, number[][]>): RunResult {
  const epochs = accuracies[config.methods[0]].map((_, e) => ({
    epoch: e + 1,
    runs: Object.fromEntries(Object.entries(accuracies).map(([lane, perEpoch]) => [lane, { testAccuracy: perEpoch[e] }])),
  })) as unknown as EpochSnapshot[];
  return { name, config, epochs };
}

/** Table 1's protocol, long-tailed ρ = 100 (these tests store one epoch of its 200). */
const TABLE1_CONFIG: ExperimentConfig = {
  ...DEFAULT_CONFIG,
  ...TABLE1_PROTOCOL,
  classes: [...TABLE1_PROTOCOL.classes],
  imbalance: 'long-tailed',
  trainCounts: [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50],
};

/** Per-class accuracies with both major classes at `major` and both minor classes at `minor`. */
const perClass = (major: number, minor: number) => [major, major, minor, minor];

describe('the report’s numbers', () => {
  it('per setting and lane: last-epoch and median-of-last-epochs accuracy over seeds, as computed by hand', () => {
    const results = [0, 1, 2].flatMap((seed) => [10, 100].map((ratio) => {
      // Last epoch, minor classes: 0.5, 0.25, 0.75 over the seeds (mean 0.5, sd 0.25); major classes at 1.
      // Balanced = (2 + 2·minor) / 4: 0.75, 0.625, 0.875 (mean 0.75, sd 0.125).
      const lastMinor = [0.5, 0.25, 0.75][seed];
      // Minor accuracy over the epochs 0, 1, lastMinor: the per-seed median is lastMinor.
      const erm = [perClass(1, 0), perClass(1, 1), perClass(1, lastMinor)];
      // MFW: the minor classes 0.2 higher than ERM's at the last epoch.
      const mfw = [perClass(1, 0), perClass(1, 1), perClass(1, lastMinor + 0.2)];
      return run(`seed${seed}-ratio${ratio}`, { ...CONFIG, seed, ratio }, { erm, mfw });
    }));
    const data = summariseSweep(results);
    expect(data.settingKeys).toEqual(['ratio']);
    expect(data.rows.map((row) => [row.setting, row.lane.id, row.seeds])).toEqual([
      [['10'], 'erm', 3],
      [['10'], 'mfw', 3],
      [['100'], 'erm', 3],
      [['100'], 'mfw', 3],
    ]);
    const [erm, mfw] = data.rows;
    expect(erm.last.balanced).toEqual({ mean: 0.75, sd: 0.125 });
    expect(erm.last.minor).toEqual({ mean: 0.5, sd: 0.25 });
    // Median of the three epochs' minor accuracy {0, 1, lastMinor} is lastMinor: the same as the last epoch.
    expect(erm.median).toEqual({ balanced: { mean: 0.75, sd: 0.125 }, minor: { mean: 0.5, sd: 0.25 } });
    expect(erm.medianEpochs).toBe(3);
    // MFW, minor at the last epoch 0.7, 0.45, 0.95: mean 0.7, sd 0.25; medians of {0, 1, 0.7|0.45|0.95}: the same.
    expect(mfw.last.minor!.mean).toBeCloseTo(0.7, 12);
    expect(mfw.last.minor!.sd).toBeCloseTo(0.25, 12);
    expect(mfw.median.balanced.mean).toBeCloseTo(0.85, 12);
    expect(mfw.paper).toBeNull();

    const markdown = reportMarkdown(data, { unfinished: ['seed3-ratio10'], notDone: [] });
    expect(markdown).toMatch(/\| 10 +\| ERM +\| 3 +\| 75\.0 ± 12\.5 +\| 50\.0 ± 25\.0 +\| 75\.0 ± 12\.5 +\| 50\.0 ± 25\.0 +\| 3 epochs +\| – +\|/);
    expect(markdown).toContain('sample standard deviation (n − 1)');
    expect(markdown).toContain('Fewer than 10 epochs were stored for 4 of 4 rows');
    // Every row says it classified from the 2-D feature; the CSV carries the same.
    expect(markdown).toMatch(/\| 3 epochs +\| – +\| 2-D head: not comparable to Table 1 \|/);
    expect(markdown).toContain('Published: balanced test accuracy as its source reports it');
    expect(markdown).toContain('Left out, unfinished (interrupted or short of their epochs): seed3-ratio10.');
    const csv = reportCsv(data).split('\n');
    expect(csv[0]).toBe(
      'ratio,lane,seeds,balanced_last_mean,balanced_last_sd,minor_last_mean,minor_last_sd,balanced_median_mean,balanced_median_sd,minor_median_mean,minor_median_sd,median_epochs,paper_balanced,paper_source,published,protocol',
    );
    expect(csv[1]).toBe('10,erm,3,75.0000,12.5000,50.0000,25.0000,75.0000,12.5000,50.0000,25.0000,3,,,,2-D head: not comparable to Table 1');
  });

  it('the median is over the last 10 epochs only', () => {
    // Balanced accuracy 0.1 for 5 epochs, then 0.5 for 10: the median of the last 10 is 0.5 whatever came before.
    const epochs = [...Array<number>(5).fill(0.1), ...Array<number>(10).fill(0.5)].map((a) => [a, a, a, a]);
    const { rows } = summariseSweep([run('seed0', { ...CONFIG, methods: ['erm'], epochs: 15 }, { erm: epochs })]);
    expect(rows[0].median).toEqual({ balanced: { mean: 0.5, sd: null }, minor: { mean: 0.5, sd: null } });
    expect(rows[0].medianEpochs).toBe(10);
    expect(reportMarkdown({ settingKeys: [], rows }, { unfinished: [], notDone: [] })).toMatch(/\| ERM +\| 1 +\| 50\.0 ± – +\|/);
  });

  it('gives the paper’s §4 figure only in the Paper preset’s exact setting', () => {
    const lastOnly = (config: ExperimentConfig) => run('seed1', { ...config, epochs: 1 }, { erm: [perClass(1, 0.5)], mfw: [perClass(1, 0.5)] });
    const paper = summariseSweep([{ ...lastOnly(PAPER_CONFIG), config: PAPER_CONFIG }]).rows;
    expect(paper.map((row) => row.paper)).toEqual([78.3, 83.65]);
    expect(reportMarkdown({ settingKeys: [], rows: paper }, { unfinished: [], notDone: [] })).toMatch(/\| MFW .*\| 83\.65 \(§4\) +\| 2-D head: not comparable to Table 1 \|/);
    expect(summariseSweep([lastOnly(DEFAULT_CONFIG)]).rows.map((row) => row.paper)).toEqual([null, null]);
    // Not with the 64-d feature or the LDAM schedule: §4 trained the 2-D head with the cosine schedule.
    expect(summariseSweep([lastOnly({ ...PAPER_CONFIG, featureDim: 64 })]).rows.map((row) => row.paper)).toEqual([null, null]);
    expect(summariseSweep([lastOnly({ ...PAPER_CONFIG, schedule: 'ldam' })]).rows.map((row) => row.paper)).toEqual([null, null]);
  });

  it('labels each setting by Table 1’s protocol and shows Table 1’s figures, tagged, only where the protocol matches', () => {
    const table1: ExperimentConfig = { ...TABLE1_CONFIG, ratio: 100, methods: ['erm', 'ldam-drw', 'mfw', 'la'], weightMode: 'eq12', beta: 2 };
    const tenClasses = (perClassAccuracy: number) => Array<number>(10).fill(perClassAccuracy);
    const results = [
      run('seed0-fd64', table1, { erm: [tenClasses(0.7)], 'ldam-drw': [tenClasses(0.77)], mfw: [tenClasses(0.8)], la: [tenClasses(0.75)] }),
      run('seed0-fd2', { ...table1, featureDim: 2 }, { erm: [tenClasses(0.6)], 'ldam-drw': [tenClasses(0.6)], mfw: [tenClasses(0.6)], la: [tenClasses(0.6)] }),
      run('seed0-cosine', { ...table1, schedule: 'cosine' }, { erm: [tenClasses(0.5)], 'ldam-drw': [tenClasses(0.5)], mfw: [tenClasses(0.5)], la: [tenClasses(0.5)] }),
    ];
    const data = summariseSweep(results);
    expect(data.settingKeys).toEqual(['featureDim', 'schedule']);
    const of = (setting: string[], lane: string) => data.rows.find((row) => row.setting.join() === setting.join() && row.lane.id === lane)!;
    expect(of(['64', 'ldam'], 'erm')).toMatchObject({ protocol: 'Table 1', paper: 71.1, published: [{ value: 71.1, tag: 'Table 1' }, { value: 70.36, tag: 'LDAM Table 2' }] });
    expect(of(['64', 'ldam'], 'ldam-drw').published).toEqual([{ value: 77.0, tag: 'Table 1' }, { value: 77.03, tag: 'LDAM Table 2' }]);
    expect(of(['64', 'ldam'], 'mfw')).toMatchObject({ paper: 78.5, published: [{ value: 78.5, tag: 'Table 1' }] });
    // No published figure for LA under this protocol.
    expect(of(['64', 'ldam'], 'la')).toMatchObject({ paper: null, published: [], protocol: 'Table 1' });
    expect(of(['2', 'ldam'], 'erm')).toMatchObject({ paper: null, published: [], protocol: '2-D head: not comparable to Table 1' });
    expect(of(['64', 'cosine'], 'erm')).toMatchObject({ paper: null, published: [], protocol: '64-d, not Table 1 (schedule)' });

    const markdown = reportMarkdown(data, { unfinished: [], notDone: [] });
    expect(markdown).toMatch(/\| 64 +\| ldam +\| ERM +\| 1 +\| 70\.0 ± – .*\| 71\.1 \(Table 1\); 70\.36 \(LDAM Table 2\) +\| Table 1 +\|/);
    expect(markdown).toMatch(/\| 2 +\| ldam +\| ERM .*\| – +\| 2-D head: not comparable to Table 1 \|/);
    expect(markdown).toMatch(/\| 64 +\| cosine +\| LA .*\| – +\| 64-d, not Table 1 \(schedule\) +\|/);
    expect(markdown).toContain('Table 1, the seed paper’s Table 1, CIFAR-10 (10 classes, the 64-d feature');
    expect(markdown).toContain('LDAM Table 2, Cao et al., NeurIPS 2019, Table 2');
    const csv = reportCsv(data).split('\n');
    expect(csv[1]).toMatch(/^64,ldam,erm,1,70\.0000,,.*,1,71\.10,Table 1,71\.1 Table 1; 70\.36 LDAM Table 2,Table 1$/);
  });

  it('spreads over the subset seeds as over the seeds: they are no setting of their own', () => {
    // seeds=0-2 alone: each run's subset seed follows its seed; with subsetSeeds= they vary apart.
    const results = [0, 1, 2].map((seed) => run(`seed${seed}`, { ...CONFIG, seed, subsetSeed: seed === 2 ? 7 : seed }, { erm: [perClass(1, 0), perClass(1, 0), perClass(1, seed / 4)], mfw: [perClass(1, 0), perClass(1, 0), perClass(1, 0)] }));
    const data = summariseSweep(results);
    expect(data.settingKeys).toEqual([]);
    expect(data.rows.map((row) => [row.lane.id, row.seeds])).toEqual([['erm', 3], ['mfw', 3]]);
  });
});

describe('readResults', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the finished runs, and names the interrupted or short ones apart; recordings are not results', () => {
    dir = mkdtempSync(join(tmpdir(), 'report-test-'));
    mkdirSync(join(dir, 'runs'));
    const write = (name: string, interrupted: boolean, epochs: number) =>
      writeFileSync(join(dir, 'runs', `${name}.json`), JSON.stringify({ config: CONFIG, interrupted, epochs: run(name, CONFIG, { erm: Array(epochs).fill(perClass(1, 0)) }).epochs }));
    write('seed0', false, 3);
    write('seed1', true, 2);
    write('seed2', false, 2);
    writeFileSync(join(dir, 'runs', 'seed0.recording.json'), '{}');
    const { results, unfinished } = readResults(dir);
    expect(results.map((r) => r.name)).toEqual(['seed0']);
    expect(unfinished).toEqual(['seed1', 'seed2']);
  });

  it('reads results from before the 64-d feature and the LDAM schedule as the 2-D feature and the cosine schedule', () => {
    dir = mkdtempSync(join(tmpdir(), 'report-test-'));
    mkdirSync(join(dir, 'runs'));
    const { featureDim, schedule, ...before } = PAPER_CONFIG;
    expect([featureDim, schedule]).toEqual([2, 'cosine']);
    const epochs = run('seed1', PAPER_CONFIG, { erm: Array(200).fill(perClass(1, 0.5)), mfw: Array(200).fill(perClass(1, 0.5)) }).epochs;
    writeFileSync(join(dir, 'runs', 'seed1.json'), JSON.stringify({ config: before, interrupted: false, epochs }));
    const { results } = readResults(dir);
    expect(results[0].config).toEqual({ ...before, featureDim: 2, schedule: 'cosine' });
    expect(summariseSweep(results).rows.map((row) => [row.paper, row.protocol])).toEqual([
      [78.3, '2-D head: not comparable to Table 1'],
      [83.65, '2-D head: not comparable to Table 1'],
    ]);
  });
});
