import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeState, type ResultsFile } from './lib/resume.ts';

/** Runs a script as npm does (node with the tsx loader); resolves with its exit code and output. */
function runScript(script: string, args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr, child);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'resume-cli-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Tiny, on the deterministic cpu backend: 3 steps per epoch; MFW has its own draws to restore and DRW
 * starts re-weighting at epoch 3, after the resume.
 */
const TINY = ['imb=custom', 'n=4,4,2,2', 'w=0.25', 'bs=4', 'tpc=10', 'pts=100', 'm=erm,mfw,drw', '--synthetic', '--backend=cpu', `--out=${dir}`, '--recording'];
const files = (name: string) => ({ results: join(dir, `${name}.json`), recording: join(dir, `${name}.recording.json`), state: join(dir, `${name}.state.bin`) });
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
/** Everything an epoch measured, the speed (a timing) aside. */
const measured = (results: ResultsFile) => results.epochs.map(({ imagesPerSecond: _speed, ...epoch }) => epoch);

describe('npm run experiment --resume', () => {
  it('a run stopped after epoch 1 and resumed for 2 more equals the run made in one go, number for number', async () => {
    const [whole, first] = await Promise.all([
      runScript('scripts/experiment.ts', [...TINY, 'ep=3', '--name=whole']),
      runScript('scripts/experiment.ts', [...TINY, 'ep=3', '--name=part', '--stop-after=1']),
    ]);
    expect(whole.code, whole.stderr).toBe(0);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`stopped after epoch 1 of 3 (--stop-after): the same command with --resume goes on from ${files('part').state}`);
    expect(read(files('part').results)).toMatchObject({ interrupted: true, epochs: [{ epoch: 1 }] });
    expect(existsSync(files('part').state)).toBe(true);
    expect(existsSync(files('whole').state)).toBe(false);

    const resumed = await runScript('scripts/experiment.ts', [...TINY, 'ep=3', '--name=part', '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming part after epoch 1 of 3');
    expect(resumed.stdout).toMatch(/\d+ s since resuming after epoch 1\./);
    // Finished: the state is gone, the results whole, the resume on record.
    expect(existsSync(files('part').state)).toBe(false);
    const [once, twice] = [read(files('whole').results), read(files('part').results)];
    expect(twice.interrupted).toBe(false);
    expect(twice.resumes).toEqual([{ afterEpoch: 1, backend: 'cpu', at: expect.any(String) }]);
    expect(twice.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(measured(twice)).toEqual(measured(once));
    expect(JSON.stringify(measured(twice))).toBe(JSON.stringify(measured(once)));
    // The recording too, its time and command aside.
    const recording = (name: string) => {
      const { createdAt: _at, provenance: _by, epochs, ...rest } = JSON.parse(readFileSync(files(name).recording, 'utf8')) as { createdAt: string; provenance: unknown; epochs: { imagesPerSecond: number }[] };
      return { ...rest, epochs: epochs.map(({ imagesPerSecond: _speed, ...epoch }) => epoch) };
    };
    expect(recording('part')).toEqual(recording('whole'));

    // Finished runs are not trained again; other settings under the name are refused before any work.
    const again = await runScript('scripts/experiment.ts', [...TINY, 'ep=3', '--name=part', '--resume']);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe(`${files('part').results} already holds all 3 epochs: nothing to train.\n`);
    const other = await runScript('scripts/experiment.ts', [...TINY, 'ep=3', 'seed=2', '--name=part', '--resume']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`${files('part').results} holds a run of other settings (seed 1 there, 2 here; subsetSeed 1 there, 2 here): give another --name`);
    expect(read(files('part').results).epochs).toHaveLength(3);
  }, 600_000);

  it('Ctrl-C mid-run keeps the last finished epoch’s state, and --resume goes on from it', async () => {
    let signalled = false;
    const interrupted = await runScript('scripts/experiment.ts', [...TINY, 'ep=40', '--name=ctrl-c'], (text, child) => {
      if (!signalled && /epoch 1: balanced test acc/.test(text)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    expect(interrupted.code).toBe(130);
    const kept = read(files('ctrl-c').results).epochs.length;
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(existsSync(files('ctrl-c').state)).toBe(true);

    const resumed = await runScript('scripts/experiment.ts', [...TINY, 'ep=40', '--name=ctrl-c', '--resume', `--stop-after=${kept + 1}`]);
    expect(resumed.code, resumed.stderr).toBe(0);
    // The state is of the last epoch whose state was written: the last in the results, or the one before
    // when the signal came between the two writes (that epoch is then trained again).
    const after = Number(/resuming ctrl-c after epoch (\d+) of 40/.exec(resumed.stderr)?.[1]);
    expect([kept - 1, kept].filter((e) => e >= 1)).toContain(after);
    const results = read(files('ctrl-c').results);
    expect(results.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: kept + 1 }, (_, i) => i + 1));
    expect(results.resumes?.map((r) => r.afterEpoch)).toEqual([after]);
  }, 600_000);

  it('a 64-d, LDAM-schedule run of six classes (Table 1’s protocol) resumes number for number too; --recording is refused for it', async () => {
    // Six classes, the pooled feature without the projection, the LDAM schedule (warm-up, then decays at epochs 2 and 3 of 3 here), a subset seed of its own.
    const TABLE1 = ['c=0,1,2,3,4,5', 'imb=custom', 'n=4,4,2,2,2,2', 'fd=64', 'sched=ldam', 'seed=2', 'ss=0', 'w=0.25', 'bs=4', 'tpc=10', 'pts=100', 'm=erm,ldam-drw,mfw', 'ep=3', '--synthetic', '--backend=cpu', `--out=${dir}`];
    const refused = await runScript('scripts/experiment.ts', [...TABLE1, '--name=t1-recording', '--recording', '--resume']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--recording makes a file for the app, which cannot show this run');
    expect(existsSync(files('t1-recording').results)).toBe(false);

    const [whole, first] = await Promise.all([
      runScript('scripts/experiment.ts', [...TABLE1, '--name=t1-whole']),
      runScript('scripts/experiment.ts', [...TABLE1, '--name=t1-part', '--stop-after=1']),
    ]);
    expect(whole.code, whole.stderr).toBe(0);
    expect(first.code, first.stderr).toBe(0);
    // The state names the 64-d feature, so it continues only a 64-d run.
    expect(decodeState(new Uint8Array(readFileSync(files('t1-part').state))).state.shape).toMatchObject({ numClasses: 6, featureDim: 64 });

    const resumed = await runScript('scripts/experiment.ts', [...TABLE1, '--name=t1-part', '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming t1-part after epoch 1 of 3');
    expect(resumed.stdout).toMatch(/\(width 0\.25, 64-d feature, LDAM schedule\), 3 epochs, batch 4, seed 2, subset seed 0;/);
    expect(existsSync(files('t1-part').state)).toBe(false);
    expect(existsSync(files('t1-part').recording)).toBe(false);
    const [once, twice] = [read(files('t1-whole').results), read(files('t1-part').results)];
    expect(twice.config).toMatchObject({ featureDim: 64, schedule: 'ldam', seed: 2, subsetSeed: 0 });
    expect(twice.epochs.map((e) => e.learningRate)).toEqual(once.epochs.map((e) => e.learningRate));
    expect(JSON.stringify(measured(twice))).toBe(JSON.stringify(measured(once)));
    // The 2-D feature under the same name is another run: refused.
    const other = await runScript('scripts/experiment.ts', [...TABLE1.filter((arg) => arg !== 'fd=64'), '--name=t1-part', '--resume']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('holds a run of other settings (featureDim 64 there, 2 here)');
  }, 600_000);

  it('--resume needs the name of the run', async () => {
    const { code, stderr } = await runScript('scripts/experiment.ts', [...TINY, '--resume']);
    expect(code).toBe(2);
    expect(stderr).toContain('--resume continues a run by its name: give the --name it was started with.');
  });
});
