import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultsFile } from './lib/resume.ts';

/** Runs `npm run experiment` as npm does (node with the tsx loader); resolves with its exit code and stderr. */
function experiment(args: string[]) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/experiment.ts', ...args]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'lane-workers-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Four lanes (two with their own draws), 3 steps per epoch, on wasm: the backend the workers are for. */
const RUN = ['imb=custom', 'n=8,8,4,4', 'w=0.25', 'bs=8', 'tpc=10', 'pts=100', 'ep=2', 'm=erm,mfw,la,mixup', '--synthetic', '--backend=wasm', `--out=${dir}`];
const read = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as ResultsFile;
/** Everything an epoch measured, the speed (a timing) aside. */
const measured = (results: ResultsFile) => JSON.stringify(results.epochs.map(({ imagesPerSecond: _speed, ...epoch }) => epoch));

describe('npm run experiment --workers', () => {
  it('trains the lanes in 2 worker processes with exactly the numbers of one process, and resumes across worker counts', async () => {
    const [one, two, part] = await Promise.all([
      experiment([...RUN, '--workers=1', '--name=one']),
      experiment([...RUN, '--workers=2', '--name=two']),
      experiment([...RUN, '--workers=2', '--name=part', '--stop-after=1']),
    ]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(part.code, part.stderr).toBe(0);
    expect(one.stderr).not.toContain('worker processes');
    expect(two.stderr).toContain('lanes in 2 worker processes');
    expect(read('one').laneWorkers).toBe(1);
    expect(read('two').laneWorkers).toBe(2);
    expect(read('two').epochs.map((e) => Object.keys(e.runs))).toEqual([['erm', 'mfw', 'la', 'mixup'], ['erm', 'mfw', 'la', 'mixup']]);
    expect(measured(read('two'))).toBe(measured(read('one')));

    // The state two workers saved, continued in one process.
    const resumed = await experiment([...RUN, '--workers=1', '--name=part', '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming part after epoch 1 of 2');
    expect(measured(read('part'))).toBe(measured(read('one')));
  });
});
