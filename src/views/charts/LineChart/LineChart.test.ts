import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { METHOD_STYLE } from '../../theme.ts';
import { LineChart, MARKERS_UP_TO, type LineSeries } from './LineChart.tsx';

function render(series: LineSeries[]): string {
  return renderToStaticMarkup(createElement(LineChart, { series, title: 't', xLabel: 'epoch', yLabel: 'accuracy' }));
}

const line = (key: string, ys: number[], dash?: string): LineSeries => ({
  key,
  label: key,
  colour: '#336699',
  dash,
  points: ys.map((y, i) => ({ x: i + 1, y })),
});

/** Point markers of one series' marker group: the count its path declares, checked against the shapes it draws. */
function markers(svg: string, key: string): number {
  const group = svg.match(new RegExp(`<g data-series-key="${key}"[^>]*>(.*?)</g>`))?.[1] ?? '';
  const path = group.match(/<path data-markers="(\d+)" d="([^"]*)"/);
  if (!path) return 0;
  // Every marker shape is one closed subpath (a circle two arcs: M…A…A…Z).
  expect((path[2].match(/M/g) ?? []).length).toBe(Number(path[1]));
  return Number(path[1]);
}

describe('LineChart point markers', () => {
  it('marks a single epoch, which draws no visible line', () => {
    const svg = render([line('erm', [0.5], METHOD_STYLE.erm.dash), line('mfw', [0.6], METHOD_STYLE.mfw.dash)]);
    expect(markers(svg, 'erm')).toBe(1);
    expect(markers(svg, 'mfw')).toBe(1);
  });

  it('hollow markers on dashed series (ERM, the other methods), filled on solid ones (MFW)', () => {
    const svg = render([line('erm', [0.5, 0.6], METHOD_STYLE.erm.dash), line('mfw', [0.6, 0.7], METHOD_STYLE.mfw.dash)]);
    expect(svg).toMatch(/data-series-key="erm" fill="#ffffff" stroke="#336699"/);
    expect(svg).toMatch(/data-series-key="mfw" fill="#336699" stroke="#336699"/);
    expect(markers(svg, 'erm')).toBe(2);
  });

  it(`marks every point up to ${MARKERS_UP_TO} points, beyond that only isolated ones`, () => {
    const ys = (n: number) => Array.from({ length: n }, (_, i) => i / n);
    expect(markers(render([line('a', ys(MARKERS_UP_TO))]), 'a')).toBe(MARKERS_UP_TO);
    expect(markers(render([line('a', ys(200))]), 'a')).toBe(0);
    const gappy = ys(200);
    gappy[99] = Number.NaN;
    gappy[101] = Number.NaN;
    gappy[199 - 1] = Number.NaN;
    expect(markers(render([line('a', gappy)]), 'a')).toBe(2); // epoch 101 and the last one stand alone
  });
});

describe('LineChart bands', () => {
  const banded = (lows: number[], highs: number[]): LineSeries => ({
    ...line('erm', [0.5, 0.5, 0.5, 0.5], METHOD_STYLE.erm.dash),
    band: lows.map((low, i) => ({ x: i + 1, low, high: highs[i] })),
  });

  it('draws the band behind every line, in the series’ colour and dash, and breaks it where a bound is missing', () => {
    const svg = render([banded([0.4, 0.4, Number.NaN, 0.4], [0.6, 0.6, Number.NaN, 0.6]), line('mfw', [0.6, 0.6, 0.6, 0.6])]);
    const band = svg.match(/<path data-band="erm" d="([^"]*)" fill="#336699" fill-opacity="0.16" stroke="#336699" stroke-dasharray="7 4"/);
    expect(band).not.toBeNull();
    // Epochs 1–2, then epoch 4 alone: two closed areas.
    expect(band![1].match(/M/g)).toHaveLength(2);
    expect(svg.indexOf('data-band="erm"')).toBeLessThan(svg.indexOf('data-line'));
  });

  it('fits its y axis to the bands too', () => {
    // The top y tick: 2 with the band up to 2, 0.5 for the line alone.
    expect(render([banded([0, 0, 0, 0], [2, 2, 2, 2])])).toMatch(/text-anchor="end">2<\/text>/);
    expect(render([line('erm', [0.5, 0.5, 0.5, 0.5])])).not.toMatch(/text-anchor="end">2<\/text>/);
  });
});
