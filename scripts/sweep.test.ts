import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Manifest } from './lib/sweep.ts';

/** Runs a script as npm does (node with the tsx loader); resolves with its exit code and output. */
function runScript(script: string, args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The tiny synthetic sweep of issue 15's done-when, made smaller still (narrow network, few points) to be quick. */
const TINY = ['methods=erm,mfw', 'seeds=0,1', 'n=40,40,8,8', 'imb=custom', 'tpc=20', 'w=0.25', 'pts=100', 'bs=16', '--synthetic', '--backend=cpu'];
/** A report row of both lanes: two seeds, every accuracy a mean ± sd. */
const laneRow = (label: string) => new RegExp(`\\| ${label} +\\| 2 +\\| (\\d+\\.\\d ± \\d+\\.\\d +\\| ){4}2 epochs +\\| – +\\|`);

describe('npm run sweep and npm run report', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-cli-test-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it.each([
    ['scripts/sweep.ts', ['seeds=0-4', '--parallel=N', '--emit=VALUE', 'DIR/manifest.json.', 'Methods for methods=']],
    ['scripts/report.ts', ['Usage: npm run report -- DIR', 'DIR/report.csv.']],
  ])('%s --help prints the usage and exits 0', async (script, expected) => {
    const { code, stdout } = await runScript(script, ['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run /);
    for (const text of expected) expect(stdout).toContain(text);
  });

  it('refuses a sweep with a bad combination before running anything (exit 2)', async () => {
    const out = join(tempDir(), 'refused');
    const { code, stderr } = await runScript('scripts/sweep.ts', ['depth=1,5', 'k=5', `--out=${out}`]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/blocksPerStage1 \(blocksPerStage=1\): MFW mixing point must be at most 4/);
    expect(existsSync(out)).toBe(false);
  });

  it('--emit=commands prints one command line per run and nothing else', async () => {
    const out = join(tempDir(), 'emitted');
    const { code, stdout, stderr } = await runScript('scripts/sweep.ts', [...TINY, 'ep=2', `--out=${out}`, '--emit=commands']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    lines.forEach((line, seed) => {
      expect(line).toMatch(new RegExp(`^npm run experiment -- methods=erm,mfw .*seed=${seed} --backend=cpu --synthetic --out=${out}/runs --name=seed${seed} --recording --resume$`));
    });
    expect(existsSync(out)).toBe(false);
  });

  it('trains the tiny sweep, reports mean ± sd for both lanes, and skips the finished runs when started again', async () => {
    const out = join(tempDir(), 'tiny');
    const args = [...TINY, 'ep=2', '--parallel=2', `--out=${out}`];
    const sweep = await runScript('scripts/sweep.ts', args);
    expect(sweep.stderr).toContain('2 runs in');
    expect(sweep.code).toBe(0);
    expect(readdirSync(join(out, 'runs')).sort()).toEqual(['seed0.json', 'seed0.log', 'seed0.recording.json', 'seed1.json', 'seed1.log', 'seed1.recording.json']);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.runs.map(({ name, state, exitCode }) => ({ name, state, exitCode }))).toEqual([
      { name: 'seed0', state: 'done', exitCode: 0 },
      { name: 'seed1', state: 'done', exitCode: 0 },
    ]);
    // Finished runs keep no state (nothing is left to resume).

    const report = await runScript('scripts/report.ts', [out]);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(laneRow('ERM'));
    expect(report.stdout).toMatch(laneRow('MFW'));
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toBe(`${report.stdout.trimEnd()}\n`);
    expect(readFileSync(join(out, 'report.csv'), 'utf8').split('\n')[1]).toMatch(/^erm,2,/);

    const again = await runScript('scripts/sweep.ts', args);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('2 runs in');
    expect(again.stderr).toContain('2 already done, 0 to run');
    expect(again.stderr).not.toContain('started');
  });

  it('started again after a run was cut short after its first epoch, resumes it there instead of starting over', async () => {
    const out = join(tempDir(), 'resumed');
    const args = [...TINY, 'seeds=0', 'ep=2', `--out=${out}`];
    // The run as a killed job leaves it: its own command line, stopped after epoch 1 with its state kept.
    const emitted = await runScript('scripts/sweep.ts', [...args, '--emit=commands']);
    const line = emitted.stdout.trim();
    expect(line).not.toMatch(/['"\n]/);
    const cut = await runScript('scripts/experiment.ts', [...line.split(' ').slice(4), '--stop-after=1']);
    expect(cut.code, cut.stderr).toBe(0);
    expect(existsSync(join(out, 'runs', 'seed0.state.bin'))).toBe(true);

    const sweep = await runScript('scripts/sweep.ts', [...args, '--parallel=1']);
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(sweep.stderr).toContain('0 already done, 1 to run (1 resumed from their last finished epoch)');
    expect(sweep.stderr).toContain('resumed seed0');
    const log = readFileSync(join(out, 'runs', 'seed0.log'), 'utf8');
    expect(log).toContain('resuming seed0 after epoch 1 of 2');
    expect(log).toContain('\repoch 2: balanced test acc');
    expect(log).not.toContain('\repoch 1: balanced test acc');
    const results = JSON.parse(readFileSync(join(out, 'runs', 'seed0.json'), 'utf8')) as { interrupted: boolean; epochs: { epoch: number }[]; resumes: { afterEpoch: number }[] };
    expect(results.interrupted).toBe(false);
    expect(results.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(results.resumes.map((r) => r.afterEpoch)).toEqual([1]);
    expect(readdirSync(join(out, 'runs')).sort()).toEqual(['seed0.json', 'seed0.log', 'seed0.recording.json']);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.runs.map(({ name, state }) => ({ name, state }))).toEqual([{ name: 'seed0', state: 'done' }]);
  });

  it.skipIf(!hasGnuParallel())('the emitted commands run under GNU parallel and report as a sweep', async () => {
    const out = join(tempDir(), 'parallel');
    const emitted = await runScript('scripts/sweep.ts', [...TINY, 'ep=1', `--out=${out}`, '--emit=commands']);
    const commands = join(tempDir(), 'commands.txt');
    writeFileSync(commands, emitted.stdout);
    execFileSync('parallel', ['--will-cite', '--halt', 'now,fail=1', '-j', '2', '-a', commands], { stdio: 'ignore' });
    const report = await runScript('scripts/report.ts', [out]);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/\| ERM +\| 2 +\| \d+\.\d ± \d+\.\d /);
    expect(report.stdout).toMatch(/\| MFW +\| 2 +\| \d+\.\d ± \d+\.\d /);
    // The same lines again: every run is done, so nothing trains and nothing changes.
    const before = readFileSync(join(out, 'runs', 'seed0.json'), 'utf8');
    const again = execFileSync('parallel', ['--will-cite', '--halt', 'now,fail=1', '-j', '2', '-a', commands], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(again).not.toContain('epoch 1:');
    expect(readFileSync(join(out, 'runs', 'seed0.json'), 'utf8')).toBe(before);
  });
});

function hasGnuParallel(): boolean {
  try {
    return execFileSync('parallel', ['--version'], { encoding: 'utf8' }).includes('GNU parallel');
  } catch {
    return false;
  }
}
