import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PAPER_CONFIG } from '../src/config/experiment.ts';
import { parseRecording } from '../src/state/recording.ts';
import { configFromSearch, configToSearch, URL_PARAMS } from '../src/state/urlConfig.ts';
import { helpText, parseCommandLine, UsageError, type CommandSpec } from './lib/cli.ts';
import { configFromArguments, loadData, settingsHelp } from './lib/engine-cli.ts';

const SPEC: CommandSpec = {
  command: 'npm run demo --',
  synopsis: '[--size=N] [--mode=M] [--list=A,B] [--verbose] [--name=NAME]',
  summary: 'A demo command.',
  flags: [
    { name: 'size', kind: 'number', min: 1, max: 10, integer: true, default: 3, description: 'A size.' },
    { name: 'mode', kind: 'string', choices: ['fast', 'slow'], default: 'fast', description: 'A mode.' },
    { name: 'list', kind: 'list', choices: ['a', 'b', 'c'], default: ['a'], description: 'A list.' },
    { name: 'verbose', kind: 'boolean', description: 'Talk more.' },
    { name: 'name', kind: 'string', valueName: 'NAME', description: 'A name.' },
  ],
  examples: ['npm run demo -- --size=4'],
};

describe('parseCommandLine', () => {
  it('fills defaults and reads --flag=value, --flag value and switches', () => {
    expect(parseCommandLine(SPEC, []).flags).toEqual({ size: 3, mode: 'fast', list: ['a'], verbose: false });
    const parsed = parseCommandLine(SPEC, ['--size', '7', '--mode=slow', '--list=c,b', '--verbose', '--name=x']);
    expect(parsed.flags).toEqual({ size: 7, mode: 'slow', list: ['c', 'b'], verbose: true, name: 'x' });
    expect([...parsed.given].sort()).toEqual(['list', 'mode', 'name', 'size', 'verbose']);
  });

  it.each([
    [['--colour=red'], /Unknown flag "--colour=red".*--size, --mode, --list, --verbose, --name/],
    [['--size=11'], /--size=11 is not valid: expected a whole number from 1 to 10/],
    [['--size=2.5'], /--size=2.5 is not valid/],
    [['--size'], /--size= is not valid/],
    [['--mode=medium'], /--mode=medium is not valid: expected one of fast, slow/],
    [['--list=a,z'], /--list=a,z is not valid: expected a comma-separated list of a, b, c/],
    [['--verbose=yes'], /--verbose=yes is not valid/],
    [['--size=2', '--size=3'], /--size is given twice/],
    [['stray'], /Unexpected argument "stray"/],
    [['-x'], /Unknown flag "-x"/],
  ])('rejects %j naming the problem', (argv, message) => {
    expect(() => parseCommandLine(SPEC, argv)).toThrow(UsageError);
    expect(() => parseCommandLine(SPEC, argv)).toThrow(message);
  });

  it('help lists every flag with what it accepts and its default, and the examples', () => {
    const help = helpText(SPEC);
    for (const flag of SPEC.flags) expect(help).toContain(`--${flag.name}`);
    expect(help).toContain('Accepts a whole number from 1 to 10. Default: 3.');
    expect(help).toContain('Accepts one of fast, slow. Default: fast.');
    expect(help).toContain('npm run demo -- --size=4');
  });
});

describe('configFromArguments (npm run experiment settings)', () => {
  it('takes long names and the short names of the app’s links alike', () => {
    const long = configFromArguments(['epochs=7', 'blocksPerStage=2', 'classes=5,6,7,8', 'methods=erm,la:tau=1.5,ldam-drw']);
    const short = configFromArguments(['ep=7', 'depth=2', 'c=5,6,7,8', 'm=erm,la:tau=1.5,ldam-drw']);
    expect(short).toEqual(long);
    expect(long).toMatchObject({ epochs: 7, blocksPerStage: 2, classes: [5, 6, 7, 8], methods: ['erm', 'la:tau=1.5', 'ldam-drw'], seedVersion: 2 });
    // The setting before the method lab: DRW on both runs.
    expect(configFromArguments(['drw=1']).methods).toEqual(['drw', 'mfw-drw']);
    expect(() => configFromArguments(['methods=erm,focal'])).toThrow(/unknown method “focal”/);
    expect(() => configFromArguments(['m=la:beta=2'])).toThrow(/la: “beta=2” is not a parameter=value of this method \(it takes tau\)/);
  });

  it('reads a link from before the method lab as the app does: its runs as lanes, the first seed semantics', () => {
    const app = configFromSearch('?ep=30&seed=3&drw=1').config;
    expect(app).toMatchObject({ epochs: 30, seed: 3, methods: ['drw', 'mfw-drw'], seedVersion: 1 });
    expect(configFromArguments(['?ep=30&seed=3&drw=1'])).toEqual(app);
    expect(configFromArguments(['https://example.org/?ep=30&seed=3'])).toMatchObject({ methods: ['erm', 'mfw'], seedVersion: 1 });
  });

  it('reproduces a pasted link, whole or as its query, exactly as the app reads it', () => {
    const config = { ...PAPER_CONFIG, classes: [3, 5, 0, 9], seed: 11, epochs: 30, methods: ['erm', 'mfw-drw', 'remix-drw:tau=0.3'], imbalance: 'long-tailed' as const, ratio: 10 };
    config.trainCounts = configFromSearch(`?${configToSearch(config)}`).config.trainCounts;
    const query = configToSearch(config);
    const app = configFromSearch(`?${query}`).config;
    expect(configFromArguments([`https://example.org/playground/?${query}`])).toEqual(app);
    expect(configFromArguments([query])).toEqual(app);
    expect(configFromArguments([`?${query}`])).toEqual(app);
    expect(app).toEqual(config);
  });

  it('reads JSON files of settings; later arguments win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
    const file = join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ epochs: 12, classes: [1, 2, 3, 4], imbalance: 'custom', trainCounts: [10, 10, 2, 2] }));
    expect(configFromArguments([file, 'ep=5'])).toMatchObject({ epochs: 5, classes: [1, 2, 3, 4], trainCounts: [10, 10, 2, 2] });
    expect(configFromArguments([])).toEqual(DEFAULT_CONFIG);
  });

  it.each([
    [['epochz=3'], /Unknown setting "epochz"/],
    [['ep=abc'], /Epochs must be a number \(got NaN\)/],
    [['ep=0'], /Epochs must be between 1 and 400 \(got 0\)/],
    [['lr=7'], /Learning rate must be between/],
    [['c=0,0,1,2'], /Classes must be 2 to 10 different CIFAR-10 class ids from 0 to 9 \(got \[0,0,1,2\]\)/],
    [['c=0,1,2,3,4,5,6,7,8,9,0', 'imb=long-tailed'], /Classes must be 2 to 10 different .*\(got \[0,1,2,3,4,5,6,7,8,9,0\]\)/],
    [['c=0,1,2,3,4,5,6,7,8,9,10', 'imb=long-tailed'], /Classes must be 2 to 10 different CIFAR-10 class ids from 0 to 9/],
    [['c=3', 'imb=long-tailed'], /Classes must be 2 to 10 different .*\(got \[3\]\)/],
    [['c=0,1,2,3,4,5,6,7,8,9'], /^The paper preset is §4's 4 classes \(5000, 5000, 50, 50\), not 10: choose imbalance long-tailed, step or custom\.$/],
    [['c=0,1,2,3,4,5', 'imb=custom', 'n=50,40,30,20'], /^Training counts must be 6 whole numbers \(one per class\) from 1 to 5000 \(got \[50,40,30,20\]\)\.$/],
    [['c=0,1,2,3,4,5', 'imb=custom'], /^Custom imbalance needs one training count per class: 6 classes, 4 counts\.$/],
    [['fd=32'], /^Feature dimension must be one of 2, 64 \(got 32\)\.$/],
    [['sched=step'], /^Learning-rate schedule must be one of cosine, ldam \(got step\)\.$/],
    [['sched=ldam', 'wu=5'], /^The LDAM schedule has its own warm-up \(5 epochs, as kaidic\/LDAM-DRW\), so Linear warm-up epochs must be 0 with it \(got 5\)\.$/],
    [['w=0.3'], /Width multiplier must be one of 0.25, 0.5, 1/],
    [['depth=1', 'k=9'], /^MFW mixing point must be at most 4 for ResNet-8 \(got 9\)\.$/],
    [['ep=5', 'wu=5'], /^Warm-up \(5 epochs\) must be shorter than the run \(5 epochs\)\.$/],
    [['n=1,2,3,4'], /conflict with the "paper" preset.*imbalance=custom/],
    [['no-such-file.json'], /neither key=value, a link .* nor an existing JSON file/],
  ])('rejects %j instead of silently using a default', (args, message) => {
    expect(() => configFromArguments(args)).toThrow(UsageError);
    expect(() => configFromArguments(args)).toThrow(message);
  });

  it('a seed alone draws the subset too, as before the split; subsetSeed (ss) draws it apart; the data follow the subset seed', async () => {
    expect(configFromArguments(['seed=3'])).toMatchObject({ seed: 3, subsetSeed: 3 });
    expect(configFromArguments(['ss=2', 'seed=3'])).toMatchObject({ seed: 3, subsetSeed: 2 });
    expect(configFromArguments(['subsetSeed=2'])).toMatchObject({ seed: DEFAULT_CONFIG.seed, subsetSeed: 2 });
    expect(() => configFromArguments(['ss=-1'])).toThrow(/Subset seed must be between 0 and 2147483647 \(got -1\)/);
    const help = settingsHelp().join('\n');
    expect(help).toMatch(/subsetSeed \(ss\) +Subset seed: which images of each class are drawn .*; default: the seed$/m);
    expect(help).toMatch(/seed \(seed\) +Seed of the initial weights, batch order, augmentation and each lane's draws/);
    // Synthetic images stand in for the subset: drawn by the subset seed, whatever the seed.
    const images = async (args: string[]) => (await loadData(configFromArguments(['imb=custom', 'n=4,4,2,2', ...args]), true)).train.images;
    const subset1 = await images(['seed=1']);
    expect(await images(['seed=5', 'ss=1'])).toEqual(subset1);
    expect(await images(['seed=1', 'ss=2'])).not.toEqual(subset1);
  });

  it('takes Table 1’s settings: all ten classes long-tailed or step, the 64-d feature, the LDAM schedule', () => {
    const long = configFromArguments(['classes=0,1,2,3,4,5,6,7,8,9', 'imbalance=long-tailed', 'ratio=100', 'featureDim=64', 'schedule=ldam', 'blocksPerStage=5', 'epochs=200']);
    const short = configFromArguments(['c=0,1,2,3,4,5,6,7,8,9', 'imb=long-tailed', 'rho=100', 'fd=64', 'sched=ldam', 'depth=5', 'ep=200']);
    expect(short).toEqual(long);
    // LDAM-DRW's IMBALANCECIFAR10 at imb_factor 0.01: int(5000 · 0.01^(c/9)).
    expect(long).toMatchObject({ featureDim: 64, schedule: 'ldam', trainCounts: [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50] });
    expect(configFromArguments(['c=9,0', 'imb=step', 'rho=10']).trainCounts).toEqual([5000, 500]);
    expect(configFromArguments(['c=1,2,3,4,5', 'imb=custom', 'n=9,8,7,6,5']).trainCounts).toEqual([9, 8, 7, 6, 5]);
    // A link the app wrote names neither: the 2-D feature and the cosine schedule.
    expect(configFromArguments([configToSearch(DEFAULT_CONFIG)])).toMatchObject({ featureDim: 2, schedule: 'cosine' });
    // The subset seed splits off under Table 1's protocol as in the app's: a seed alone draws both.
    expect(configFromArguments(['c=0,1,2,3,4,5,6,7,8,9', 'imb=long-tailed', 'fd=64', 'sched=ldam', 'seed=3'])).toMatchObject({ featureDim: 64, schedule: 'ldam', seed: 3, subsetSeed: 3 });
    expect(configFromArguments(['c=0,1,2,3,4,5,6,7,8,9', 'imb=long-tailed', 'fd=64', 'sched=ldam', 'seed=3', 'ss=0'])).toMatchObject({ featureDim: 64, schedule: 'ldam', seed: 3, subsetSeed: 0 });
  });

  it('accepts every URL parameter name the app writes', () => {
    const names = new Set(new URLSearchParams(configToSearch(DEFAULT_CONFIG)).keys());
    // All but the subset seed (written only when it differs from the seed), the feature and the schedule
    // (which the app's links never name: they are the 2-D feature and the cosine schedule there).
    expect(names).toEqual(new Set(Object.values(URL_PARAMS).filter((name) => name !== 'ss' && name !== 'fd' && name !== 'sched')));
    // Every name, once each differs from its default.
    const table1 = { ...DEFAULT_CONFIG, subsetSeed: 2, featureDim: 64 as const, schedule: 'ldam' as const };
    expect(new Set(new URLSearchParams(configToSearch(table1)).keys())).toEqual(new Set(Object.values(URL_PARAMS)));
    expect(configFromArguments([configToSearch(table1)])).toEqual(table1);
    const split = { ...DEFAULT_CONFIG, subsetSeed: 2 };
    expect(configFromArguments([configToSearch(split)])).toEqual(split);
    expect(configFromArguments([configToSearch(DEFAULT_CONFIG)])).toEqual(DEFAULT_CONFIG);
  });
});

/** Runs a script as npm does (node with the tsx loader); resolves with its exit code and output. */
function runScript(script: string, args: string[], options: { env?: NodeJS.ProcessEnv; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(stderr, child);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the scripts’ command lines', () => {
  it.each([
    ['scripts/experiment.ts', ['Settings (long name', 'epochs (ep)', 'testPerClass (tpc)', 'featureDim (fd)', 'schedule (sched)', '2 to 10 different CIFAR-10 class ids', 'methods (m)', 'Methods for methods=', 'ldam-drw', 'maxm=0.5', 'tau=1', 'kappa=3', '--backend', '--print-config', 'Examples:']],
    ['scripts/bench.ts', ['--backends', '--methods', '--blocks', '--batch', 'Default: 8', 'Examples:']],
    ['scripts/prepare-data.ts', ['--archive', '--out', 'CIFAR10_TAR', 'Examples:']],
  ])('%s --help prints the usage and exits 0 without doing work', async (script, expected) => {
    const { code, stdout, stderr } = await runScript(script, ['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: npm run /);
    for (const text of expected) expect(stdout).toContain(text);
  });

  it.each([
    ['scripts/experiment.ts', ['--epochs=3'], /Unknown flag "--epochs=3"/],
    ['scripts/experiment.ts', ['ep=abc'], /Epochs must be a number/],
    ['scripts/experiment.ts', ['--backend=tpu'], /--backend=tpu is not valid: expected one of auto, webgpu, wasm, cpu/],
    [
      'scripts/experiment.ts',
      ['c=0,1,2,3,4,5,6,7,8,9', 'imb=long-tailed', 'fd=64', '--recording'],
      /--recording makes a file for the app, which cannot show this run: it trains 10 classes \(the app shows 4\); its feature is 64-dimensional \(fd=64; the app plots the 2-D feature\)\. Leave out --recording/,
    ],
    ['scripts/experiment.ts', ['sched=ldam', '--recording'], /cannot show this run: it uses the ldam schedule \(sched=ldam; the app trains with the cosine schedule\)/],
    ['scripts/bench.ts', ['--blocks=4'], /--blocks=4 is not valid: expected one of 1, 2, 3, 5, 7, 9/],
    ['scripts/prepare-data.ts', ['--archve=x'], /Unknown flag "--archve=x"/],
  ])('%s %j exits 2 naming the problem and pointing to --help', async (script, args, message) => {
    const { code, stdout, stderr } = await runScript(script, args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).toContain('--help');
  });

  it('npm run experiment -- "<a shared link>" --print-config resolves to the link’s configuration', async () => {
    const config = { ...DEFAULT_CONFIG, classes: [9, 8, 1, 0], epochs: 17, seed: 5 };
    const link = `http://localhost:5173/?${configToSearch(config)}`;
    const { code, stdout } = await runScript('scripts/experiment.ts', [link, '--print-config']);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout.slice(0, stdout.lastIndexOf('}') + 1));
    expect(printed).toEqual(configFromSearch(new URL(link).search).config);
    expect(stdout).toContain(`link query: ?${configToSearch(config)}`);
  });

  it('--print-config shows Table 1’s settings, and says the app does not open them', async () => {
    const { code, stdout } = await runScript('scripts/experiment.ts', ['c=0,1,2,3,4,5,6,7,8,9', 'imb=step', 'rho=200', 'fd=64', 'sched=ldam', '--print-config']);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout.slice(0, stdout.lastIndexOf('}') + 1));
    expect(printed).toMatchObject({ classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], featureDim: 64, schedule: 'ldam', trainCounts: [5000, 5000, 5000, 5000, 5000, 25, 25, 25, 25, 25] });
    expect(stdout).toMatch(/settings query \(for npm run experiment and sweep; the app does not open it: it trains 10 classes .*\): \?c=0,1,2,3,4,5,6,7,8,9&.*&fd=64&.*&sched=ldam&/);
    expect(configFromArguments([stdout.slice(stdout.lastIndexOf('?')).trim()])).toEqual(printed);
  });

  it('trains ten classes with the 64-d feature and the LDAM schedule into a results file (no recording)', async () => {
    const name = `cli-test-table1-${process.pid}`;
    const path = join('experiments', `${name}.json`);
    const args = ['c=0,1,2,3,4,5,6,7,8,9', 'imb=custom', 'n=2,2,2,1,1,1,1,1,1,1', 'fd=64', 'sched=ldam', 'w=0.25', 'bs=8', 'tpc=10', 'pts=100', 'ep=1', 'm=erm,ldam-drw', '--synthetic', '--backend=cpu', `--name=${name}`];
    const { code, stdout, stderr } = await runScript('scripts/experiment.ts', args);
    expect(code).toBe(0);
    const results = JSON.parse(readFileSync(path, 'utf8')) as { config: { featureDim: number }; epochs: { runs: Record<string, { testAccuracy: number[]; trainLoss: number; testFeatures: number[] }> }[] };
    rmSync(path);
    expect(results.config.featureDim).toBe(64);
    for (const lane of ['erm', 'ldam-drw']) {
      const run = results.epochs[0].runs[lane];
      expect(run.testAccuracy).toHaveLength(10);
      expect(Number.isFinite(run.trainLoss)).toBe(true);
      expect(run.testFeatures).toEqual([]);
    }
    expect(stderr).toMatch(/epoch 1: balanced test acc % ERM [\d.]+ \(minor [\d.]+\), LDAM-DRW [\d.]+ \(minor [\d.]+\);/);
    expect(stdout).toMatch(/ResNet-8 \(width 0.25, 64-d feature, LDAM schedule\), 1 epochs, batch 8, seed 1; synthetic-0 2, /);
    expect(existsSync(join('experiments', `${name}.recording.json`))).toBe(false);
  });

  it('Ctrl-C writes the epochs finished so far and marks the file interrupted', async () => {
    const name = `cli-test-interrupt-${process.pid}`;
    const path = join('experiments', `${name}.json`);
    const args = ['imb=custom', 'n=2,2,1,1', 'w=0.25', 'bs=2', 'tpc=10', 'pts=100', 'ep=400', '--synthetic', '--backend=cpu', `--name=${name}`];
    let signalled = false;
    const { code, stderr } = await runScript('scripts/experiment.ts', args, {
      onStderr: (text, child) => {
        if (!signalled && /epoch 1: balanced test acc/.test(text)) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted: wrote \d+ finished epochs? to /);
    // Only the script's own lines: no tfjs advice, no driver noise.
    expect(stderr).not.toMatch(/looks like you are running|XDG_RUNTIME_DIR/);
    expect(existsSync(path)).toBe(true);
    const written = JSON.parse(readFileSync(path, 'utf8')) as { interrupted: boolean; epochs: { epoch: number }[] };
    rmSync(path);
    // The state of the last finished epoch stays for --resume (scripts/resume.test.ts).
    const state = join('experiments', `${name}.state.bin`);
    expect(existsSync(state)).toBe(true);
    rmSync(state);
    expect(written.interrupted).toBe(true);
    expect(written.epochs.length).toBeGreaterThanOrEqual(1);
    expect(written.epochs.map((e) => e.epoch)).toEqual(written.epochs.map((_, i) => i + 1));
  });

  it('--recording also writes a recording the app can open, holding every lane and epoch of the results file', async () => {
    const name = `cli-test-recording-${process.pid}`;
    const [resultsPath, recordingPath] = [join('experiments', `${name}.json`), join('experiments', `${name}.recording.json`)];
    const args = ['imb=custom', 'n=2,2,1,1', 'w=0.25', 'bs=2', 'tpc=10', 'pts=100', 'ep=2', 'm=erm,mfw,ldam-drw:maxm=0.3', '--synthetic', '--backend=cpu', `--name=${name}`, '--recording'];
    const { code, stdout, stderr } = await runScript('scripts/experiment.ts', args);
    expect(code).toBe(0);
    expect(stderr).toContain(`and ${recordingPath}`);
    const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as { config: unknown; epochs: { runs: { mfw: { trainFeatures: number[]; testAccuracy: number[] } } }[] };
    const recording = parseRecording(readFileSync(recordingPath, 'utf8'));
    rmSync(resultsPath);
    rmSync(recordingPath);
    // A finished run keeps no state: it has nothing left to resume.
    expect(existsSync(join('experiments', `${name}.state.bin`))).toBe(false);
    expect(recording.config).toEqual(results.config);
    expect(recording.backend).toBe('cpu');
    expect(recording.history.map((s) => s.epoch)).toEqual([1, 2]);
    expect(Object.keys(recording.history[1].runs)).toEqual(['erm', 'mfw', 'ldam-drw:maxm=0.3']);
    expect(stderr).toMatch(/epoch 2: balanced test acc % ERM [\d.]+ \(minor [\d.]+\), MFW [\d.]+ \(minor [\d.]+\), LDAM-DRW maxm=0.3 [\d.]+ \(minor [\d.]+\);/);
    // The closing summary: the settings, then each lane's last test accuracy, as in the results file.
    expect(stdout).toMatch(/ResNet-8 \(width 0.25\), 2 epochs, batch 2, seed 1; synthetic-0 2, synthetic-1 2, synthetic-2 1, synthetic-3 1 training images; \d+ s\./);
    const last = results.epochs[1].runs.mfw.testAccuracy;
    const balanced = ((100 * last.reduce((a, b) => a + b, 0)) / last.length).toFixed(1);
    expect(stdout).toMatch(new RegExp(`MFW +${balanced.replace('.', '\\.')} `));
    // Features at 16 bits: each within half a step of its axis's range; the metrics exact.
    const exact = results.epochs[1].runs.mfw.trainFeatures;
    const range = [0, 1].map((axis) => {
      const values = exact.filter((_, i) => i % 2 === axis);
      return Math.max(...values) - Math.min(...values);
    });
    recording.history[1].runs.mfw.trainFeatures.forEach((value, i) => expect(Math.abs(value - exact[i])).toBeLessThanOrEqual(range[i % 2] / 65535 / 2 + 1e-6));
    expect(recording.provenance?.command).toBe(`npm run experiment -- ${args.join(' ')}`);
    expect(recording.history[1].runs.mfw.testAccuracy).toEqual(results.epochs[1].runs.mfw.testAccuracy);
  });

  it('starting WebGPU through Dawn leaves stderr to the script (no XDG_RUNTIME_DIR complaints)', async () => {
    const env = { ...process.env };
    delete env.XDG_RUNTIME_DIR;
    const probe = "const { installNodeWebGpu } = await import('./scripts/lib/engine-node-gpu.ts'); console.log(String(await installNodeWebGpu()));";
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});
