import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/config/experiment.ts';
import { INK, METHOD_STYLE } from '../../src/views/palette.ts';
import { readResults } from './report.ts';
import { FIGURE, plotTop, settingFigures } from './reportFigures.ts';

// Counts 40,40,8,8: classes 0 and 1 are major, 2 and 3 minor.
const CONFIG: ExperimentConfig = { ...DEFAULT_CONFIG, imbalance: 'custom', trainCounts: [40, 40, 8, 8], epochs: 3, methods: ['erm', 'mfw'] };
/** Both major classes at 1, both minor classes at `minor`: balanced = (2 + 2·minor) / 4 = 0.5 + minor / 2. */
const minorAt = (minor: number) => [1, 1, minor, minor];

/**
 * A sweep folder as npm run sweep leaves it: runs/NAME.json per run (and a recording, which the report
 * skips), two settings (ratio 10 and 100) × seeds 0 and 1. ERM's minor-class accuracy at epochs 1–3:
 * seed 0: 0.2, 0.4, 0.6; seed 1: 0.4, 0.4, 0.8; MFW's 0.1 higher; the ratio-100 runs 0.1 lower.
 */
function writeSweep(dir: string): void {
  mkdirSync(join(dir, 'runs'));
  const minor = [
    [0.2, 0.4, 0.6],
    [0.4, 0.4, 0.8],
  ];
  for (const ratio of [10, 100]) {
    for (const seed of [0, 1]) {
      const shift = ratio === 100 ? -0.1 : 0;
      const epochs = minor[seed].map((m, e) => ({
        epoch: e + 1,
        runs: { erm: { testAccuracy: minorAt(m + shift) }, mfw: { testAccuracy: minorAt(m + shift + 0.1) } },
      }));
      const name = `seed${seed}-ratio${ratio}`;
      writeFileSync(join(dir, 'runs', `${name}.json`), JSON.stringify({ config: { ...CONFIG, seed, ratio }, interrupted: false, epochs }));
      writeFileSync(join(dir, 'runs', `${name}.recording.json`), '{}');
    }
  }
}

/** The `d` of a path with this attribute (e.g. data-mean="erm") in a panel of the figure. */
function pathData(svg: string, panel: 'balanced' | 'minor', attribute: string): string {
  const group = svg.split('<g data-panel="').find((part) => part.startsWith(`${panel}"`)) ?? '';
  const match = group.match(new RegExp(`<path ${attribute} d="([^"]*)"`));
  if (!match) throw new Error(`no ${attribute} in the ${panel} panel`);
  return match[1];
}

/** Hand-computed panel coordinates: epochs 1–3 across the plot's width, 100 % at the top. */
const x = (epoch: number) => ((epoch - 1) / 2) * FIGURE.plotWidth;
const y = (fraction: number) => Math.round((1 - fraction) * FIGURE.plotHeight * 100) / 100;

describe('the report’s figures', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('one SVG per setting: each lane’s mean over the seeds and its ± 1 sd band, at the hand-computed coordinates', () => {
    dir = mkdtempSync(join(tmpdir(), 'report-figures-test-'));
    writeSweep(dir);
    const figures = settingFigures(readResults(dir).results);
    expect(figures.map((f) => f.path)).toEqual(['figures/ratio-10.svg', 'figures/ratio-100.svg']);
    expect(figures[0].title).toBe('Test accuracy over the epochs, ratio = 10, 2 seeds');
    const [{ svg }] = figures;
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="960" height="\d+" viewBox="0 0 960 \d+"/);
    expect(svg).toContain('>ratio = 10 — 2 seeds</text>');
    expect(svg).toContain('bands: ± 1 sample standard deviation (n − 1) over the seeds');

    // ERM, ratio 10, minor: means 0.3, 0.4, 0.7; sd = |a − b| / √2 = 0.1414…, 0, 0.1414….
    expect(pathData(svg, 'minor', 'data-mean="erm"')).toBe(`M${x(1)},${y(0.3)}L${x(2)},${y(0.4)}L${x(3)},${y(0.7)}`);
    expect(pathData(svg, 'minor', 'data-mean="erm"')).toBe('M0,182L190,156L380,78');
    const sd = 0.2 / Math.SQRT2;
    expect(pathData(svg, 'minor', 'data-band="erm"')).toBe(
      `M${x(1)},${y(0.3 + sd)}L${x(2)},${y(0.4)}L${x(3)},${y(0.7 + sd)}L${x(3)},${y(0.7 - sd)}L${x(2)},${y(0.4)}L${x(1)},${y(0.3 - sd)}Z`,
    );
    expect(pathData(svg, 'minor', 'data-band="erm"')).toBe('M0,145.23L190,156L380,41.23L380,114.77L190,156L0,218.77Z');
    // Balanced = 0.5 + minor / 2: means 0.65, 0.7, 0.85.
    expect(pathData(svg, 'balanced', 'data-mean="erm"')).toBe('M0,91L190,78L380,39');
    // MFW 0.1 higher on the minor classes: means 0.4, 0.5, 0.8.
    expect(pathData(svg, 'minor', 'data-mean="mfw"')).toBe(`M${x(1)},${y(0.4)}L${x(2)},${y(0.5)}L${x(3)},${y(0.8)}`);
    // The other setting: ERM's minor means 0.2, 0.3, 0.6.
    expect(pathData(figures[1].svg, 'minor', 'data-mean="erm"')).toBe(`M${x(1)},${y(0.2)}L${x(2)},${y(0.3)}L${x(3)},${y(0.6)}`);

    // The lanes in the app's styles (ERM dashed ink, MFW solid ink), named in the legend; the panels under the one-row legend.
    expect(svg).toMatch(new RegExp(`<path data-mean="erm" d="[^"]*" fill="none" stroke="${INK}" stroke-width="2.2" stroke-linejoin="round" stroke-dasharray="${METHOD_STYLE.erm.dash}"/>`));
    expect(svg).toMatch(/<path data-mean="mfw" d="[^"]*" fill="none" stroke="#1f2328" stroke-width="2.2" stroke-linejoin="round"\/>/);
    expect(svg).toMatch(/<g data-lane="erm"[^]*?>ERM<\/text>/);
    expect(svg).toContain(`<g data-panel="minor" transform="translate(${FIGURE.plotLeft + FIGURE.panelStride},${plotTop(1)})">`);
    // Axis ticks and labels.
    expect(svg).toContain('text-anchor="end">100</text>');
    expect(svg).toContain('text-anchor="middle">3</text>');
    expect(svg).toContain('>test accuracy (%)</text>');
    expect(svg).toContain('>epoch</text>');
  });

  it('npm run report writes the figures to DIR/figures and links them from report.md', () => {
    dir = mkdtempSync(join(tmpdir(), 'report-figures-cli-test-'));
    writeSweep(dir);
    mkdirSync(join(dir, 'figures'));
    writeFileSync(join(dir, 'figures', 'stale.svg'), '<svg/>');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/report.ts', dir], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(readdirSync(join(dir, 'figures')).sort()).toEqual(['ratio-10.svg', 'ratio-100.svg']);
    const markdown = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(markdown).toContain('![Test accuracy over the epochs, ratio = 10, 2 seeds](figures/ratio-10.svg)');
    expect(markdown).toContain('![Test accuracy over the epochs, ratio = 100, 2 seeds](figures/ratio-100.svg)');
    // The table: ERM at ratio 10, last epoch, balanced 0.5 + (0.6, 0.8) / 2 = 0.8, 0.9: 85.0 ± 7.1; minor 70.0 ± 14.1.
    expect(markdown).toMatch(/\| 10 +\| ERM +\| 2 +\| 85\.0 ± 7\.1 +\| 70\.0 ± 14\.1 +\|/);
    expect(existsSync(join(dir, 'report.csv'))).toBe(true);
  });
});
