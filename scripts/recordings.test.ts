/**
 * `npm run recordings`: parts of one run, trained in separate processes, packed as one recording of
 * all their lanes; parts of different runs refused with the difference named.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecording } from '../src/state/recording.ts';
import { parseShippedIndex } from '../src/state/shippedRecordings.ts';

const run = promisify(execFile);
const node = (script: string, args: string[]) => run(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8' });
const name = `recordings-test-${process.pid}`;
const TINY = ['imb=custom', 'n=2,2,1,1', 'w=0.25', 'bs=2', 'tpc=10', 'pts=100', 'ep=1', '--synthetic', '--backend=cpu', '--recording'];
const out = mkdtempSync(join(tmpdir(), 'recordings-'));
const made: string[] = [];

/** Trains a tiny part and returns its recording's path. */
async function part(suffix: string, args: string[]): Promise<string> {
  await node('scripts/experiment.ts', [...TINY, ...args, `--name=${name}-${suffix}`]);
  made.push(`experiments/${name}-${suffix}.json`, `experiments/${name}-${suffix}.recording.json`);
  return `experiments/${name}-${suffix}.recording.json`;
}

afterAll(() => {
  for (const file of [...made, out]) rmSync(file, { recursive: true, force: true });
});

describe('npm run recordings', () => {
  it('packs parts joined by + as one recording of every lane, and refuses parts of different runs', async () => {
    const [first, second, otherSeed] = await Promise.all([part('a', ['m=erm,mfw']), part('b', ['m=la']), part('c', ['m=la', 'seed=2'])]);
    const { stdout } = await node('scripts/recordings.ts', [`${first}+${second}`, `--out=${out}`]);
    expect(stdout).toContain(`recordings/${name}-a.json: erm, mfw, la, 1 of 1 epochs`);
    const index = parseShippedIndex(readFileSync(join(out, 'index.json'), 'utf8'));
    expect(index.map((entry) => entry.methods)).toEqual([['erm', 'mfw', 'la']]);
    expect(index[0].command).toContain(' & npm run experiment -- ');
    const packed = parseRecording(readFileSync(join(out, `${name}-a.json`), 'utf8'));
    const alone = parseRecording(readFileSync(second, 'utf8'));
    expect(packed.history[0].runs.la.testAccuracy).toEqual(alone.history[0].runs.la.testAccuracy);

    const refused = await node('scripts/recordings.ts', [`${first}+${otherSeed}`, `--out=${out}`]).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 1 });
    expect((refused as { stderr: string }).stderr).toMatch(/Part 2 is another experiment than part 1: its seed\b/);
  }, 300_000);
});
