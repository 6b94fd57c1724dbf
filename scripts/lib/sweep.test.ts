import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from './cli.ts';
import { EXPERIMENT_COMMAND_ENV, experimentCommandPrefix } from './bundle.ts';
import { expandSweep, manifestPath, planSweep, recordsRun, resumeManifest, runCommandLine, runFiles, type ManifestRun } from './sweep.ts';

describe('planSweep and expandSweep', () => {
  it('sweeps the settings given several values and the seed; lists within a run (methods, counts) are passed on whole', () => {
    const plan = planSweep(['m=erm,mfw', 'seeds=0-2', 'rho=10,100', 'n=40,40,8,8', 'imb=custom', 'ep=2']);
    expect(plan.axes).toEqual([
      { key: 'seed', values: ['0', '1', '2'] },
      { key: 'ratio', values: ['10', '100'] },
    ]);
    expect(plan.fixed).toEqual(['m=erm,mfw', 'n=40,40,8,8', 'imbalance=custom', 'epochs=2']);
  });

  it('reads seed lists and ranges mixed, without repeats, and keeps a later value of the same setting', () => {
    expect(planSweep(['seed=0,2,5-7,2']).axes).toEqual([{ key: 'seed', values: ['0', '2', '5', '6', '7'] }]);
    expect(planSweep(['ratio=10,100', 'rho=200,10']).axes).toEqual([{ key: 'ratio', values: ['200', '10'] }]);
    expect(() => planSweep(['seeds=4-1'])).toThrow(/runs backwards/);
  });

  it('expands the product, the first axis varying slowest, into named, validated runs', () => {
    const runs = expandSweep(planSweep(['seeds=0-1', 'imbalance=paper,long-tailed', 'ratio=10,100', 'methods=erm,la']));
    expect(runs.map((run) => run.name)).toEqual([
      'seed0-imbalance_paper-ratio10',
      'seed0-imbalance_paper-ratio100',
      'seed0-imbalance_long-tailed-ratio10',
      'seed0-imbalance_long-tailed-ratio100',
      'seed1-imbalance_paper-ratio10',
      'seed1-imbalance_paper-ratio100',
      'seed1-imbalance_long-tailed-ratio10',
      'seed1-imbalance_long-tailed-ratio100',
    ]);
    expect(runs[7].settings).toEqual({ seed: '1', imbalance: 'long-tailed', ratio: '100' });
    expect(runs[7].config).toMatchObject({ seed: 1, imbalance: 'long-tailed', ratio: 100, methods: ['erm', 'la'] });
    expect(expandSweep(planSweep(['ep=3'])).map((run) => run.name)).toEqual(['run']);
  });

  it('sweeps the subset seed as subsetSeeds= (or a subsetSeed list), named in the runs; a single subset seed is shared', () => {
    const plan = planSweep(['seeds=0-1', 'subsetSeeds=5-6', 'ep=2']);
    expect(plan.axes).toEqual([
      { key: 'seed', values: ['0', '1'] },
      { key: 'subsetSeed', values: ['5', '6'] },
    ]);
    const runs = expandSweep(plan);
    expect(runs.map((run) => run.name)).toEqual(['seed0-subsetSeed5', 'seed0-subsetSeed6', 'seed1-subsetSeed5', 'seed1-subsetSeed6']);
    expect(runs.map((run) => [run.config.seed, run.config.subsetSeed])).toEqual([[0, 5], [0, 6], [1, 5], [1, 6]]);
    expect(planSweep(['ss=1,3', 'seed=2']).axes).toEqual([{ key: 'subsetSeed', values: ['1', '3'] }, { key: 'seed', values: ['2'] }]);
    // One subset under every seed: the subset seed is no axis and the names stay the seeds'.
    const fixed = expandSweep(planSweep(['seeds=0-2', 'subsetSeed=7']));
    expect(fixed.map((run) => run.name)).toEqual(['seed0', 'seed1', 'seed2']);
    expect(fixed.map((run) => run.config.subsetSeed)).toEqual([7, 7, 7]);
    // Without one, each run's subset is its seed's, as before the split.
    expect(expandSweep(planSweep(['seeds=0-2'])).map((run) => run.config.subsetSeed)).toEqual([0, 1, 2]);
  });

  it('refuses the whole sweep before anything runs, naming every bad combination', () => {
    const refuse = () => expandSweep(planSweep(['depth=1,5', 'k=5', 'seeds=0-1']));
    expect(refuse).toThrow(UsageError);
    expect(refuse).toThrow(/Nothing was run: 2 of 4 runs are invalid/);
    expect(refuse).toThrow(/blocksPerStage1-seed0 \(blocksPerStage=1 seed=0\): MFW mixing point must be at most 4 for ResNet-8 \(got 5\)\./);
    expect(() => expandSweep(planSweep(['ratio=10,50']))).toThrow(/ratio50 \(ratio=50\): Imbalance ratio ρ must be one of 10, 100, 200/);
    expect(() => expandSweep(planSweep(['colour=red,blue']))).toThrow(/Unknown setting "colour"/);
  });

  it('writes each run as one shell line from the repository root that writes into the sweep folder and resumes when run again', () => {
    const [run] = expandSweep(planSweep(['m=erm,mfw', 'seeds=3', 'ep=2']));
    expect(runCommandLine('out dir', run, { backend: 'wasm', synthetic: true })).toBe(
      `npm run experiment -- m=erm,mfw epochs=2 seed=3 --backend=wasm --synthetic '--out=out dir/runs' --name=seed3 --recording --resume`,
    );
    expect(runFiles('out dir', run.name)).toEqual({ results: 'out dir/runs/seed3.json', recording: 'out dir/runs/seed3.recording.json', state: 'out dir/runs/seed3.state.bin', log: 'out dir/runs/seed3.log' });
  });

  it('sweeps Table 1’s settings (10 classes, the 64-d feature, the LDAM schedule), without a recording the app could not show', () => {
    const table1 = ['c=0,1,2,3,4,5,6,7,8,9', 'imb=long-tailed,step', 'rho=10,100,200', 'fd=64', 'sched=ldam', 'seeds=0'];
    const runs = expandSweep(planSweep(table1));
    expect(runs).toHaveLength(6);
    expect(runs[1].config).toMatchObject({ imbalance: 'long-tailed', ratio: 100, featureDim: 64, schedule: 'ldam', trainCounts: [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50] });
    expect(runs[4].config.trainCounts).toEqual([5000, 5000, 5000, 5000, 5000, 50, 50, 50, 50, 50]);
    const line = runCommandLine('out', runs[1], { backend: 'webgpu', synthetic: false });
    expect(line).not.toContain('recording');
    // Written into the sweep's folder and resumed when run again, as every run: a Table 1 run is the one that takes hours.
    expect(line).toMatch(/ featureDim=64 schedule=ldam .*--backend=webgpu --out=out\/runs --name=imbalance_long-tailed-ratio100-seed0 --resume$/);
    // Sweeping the feature: only the 2-D runs of four classes keep a recording.
    const both = expandSweep(planSweep(['fd=2,64', 'seeds=0']));
    expect(both.map((run) => recordsRun(run))).toEqual([true, false]);
    expect(() => expandSweep(planSweep(['c=0,1,2,3,4,5,6,7,8,9', 'seeds=0']))).toThrow(/The paper preset is §4's 4 classes \(5000, 5000, 50, 50\), not 10/);
  });

  it('starts the line with the experiment command it is given: the GPU bundle’s run.sh, through $IMBALANCE_EXPERIMENT_COMMAND', () => {
    const [run] = expandSweep(planSweep(['seeds=3', 'ep=2']));
    const saved = process.env[EXPERIMENT_COMMAND_ENV];
    try {
      process.env[EXPERIMENT_COMMAND_ENV] = "'/gpu bench/run.sh' experiment";
      const line = runCommandLine('out', run, { backend: 'webgpu', synthetic: false }, experimentCommandPrefix());
      expect(line).toBe(`'/gpu bench/run.sh' experiment epochs=2 seed=3 --backend=webgpu --out=out/runs --name=seed3 --recording --resume`);
      delete process.env[EXPERIMENT_COMMAND_ENV];
      expect(experimentCommandPrefix()).toBe('npm run experiment --');
    } finally {
      if (saved === undefined) delete process.env[EXPERIMENT_COMMAND_ENV];
      else process.env[EXPERIMENT_COMMAND_ENV] = saved;
    }
  });
});

describe('resumeManifest', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const runs = ['seed0', 'seed1', 'seed2', 'seed3'].map((name) => ({ name, settings: { seed: name.slice(4) }, command: `npm run experiment -- seed=${name.slice(4)}` }));

  it('keeps the done runs whose results are there and starts every other run again', () => {
    dir = mkdtempSync(join(tmpdir(), 'sweep-test-'));
    mkdirSync(join(dir, 'runs'));
    writeFileSync(runFiles(dir, 'seed0').results, '{}');
    const states: ManifestRun['state'][] = ['done', 'done', 'failed', 'running'];
    writeFileSync(manifestPath(dir), JSON.stringify({ sweep: [], runs: runs.map((run, i) => ({ ...run, state: states[i], exitCode: i === 2 ? 1 : undefined })) }));
    const manifest = resumeManifest(dir, ['seeds=0-3'], runs);
    // seed1 is marked done but its results file is gone: it runs again.
    expect(manifest.runs.map((run) => run.state)).toEqual(['done', 'pending', 'pending', 'pending']);
    expect(manifest.runs[2].exitCode).toBeUndefined();
  });

  it('refuses a folder holding another sweep', () => {
    dir = mkdtempSync(join(tmpdir(), 'sweep-test-'));
    writeFileSync(manifestPath(dir), JSON.stringify({ sweep: [], runs: runs.map((run) => ({ ...run, state: 'done' })) }));
    expect(() => resumeManifest(dir, [], runs.slice(1))).toThrow(/holds a different sweep/);
    expect(resumeManifest(join(dir, 'new'), [], runs).runs.every((run) => run.state === 'pending')).toBe(true);
  });
});
