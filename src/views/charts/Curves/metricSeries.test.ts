import { describe, expect, it } from 'vitest';
import { lanesOf, DEFAULT_CONFIG } from '../../../config/experiment.ts';
import type { EpochSnapshot, RunSnapshot } from '../../../core/snapshot.ts';
import { runSnapshot } from '../../../state/runFixture.ts';
import { laneStyles, METHOD_STYLE } from '../../theme.ts';
import { laneLegend, laneSeries, metricLegend, metricSeries, type LaneMeasure } from './metricSeries.ts';

const epoch = (n: number, runs: Record<string, number[]>): EpochSnapshot => ({
  epoch: n,
  learningRate: 0.1,
  imagesPerSecond: 0,
  trainFeatureLabels: new Uint8Array(),
  testLabels: new Uint8Array(),
  runs: Object.fromEntries(Object.entries(runs).map(([lane, trainAccuracy]) => [lane, runSnapshot({ trainAccuracy })])),
});

describe('metricSeries', () => {
  const lanes = laneStyles(lanesOf(DEFAULT_CONFIG));
  const history = [epoch(1, { erm: [0.5, 0], mfw: [0.4, 0.1] }), epoch(2, { erm: [0.9, 0.2], mfw: [0.8, 0.6] })];
  const series = metricSeries(history, (r) => r.trainAccuracy, ['cat', 'dog'], lanes, { scale: 100 });

  it('makes one series per class and lane, over the epochs', () => {
    expect(series.map((s) => s.key)).toEqual(['erm-0', 'mfw-0', 'erm-1', 'mfw-1']);
    expect(series[3].label).toBe('dog · MFW');
    expect(series[3].points).toEqual([{ x: 1, y: 10 }, { x: 2, y: 60 }]);
  });
  it('colours and shapes by class, dashes by lane: ERM dashed, MFW solid', () => {
    expect(series[0].colour).toBe(series[1].colour);
    expect(series[0].colour).not.toBe(series[2].colour);
    expect(series[0].shape).toBe(series[1].shape);
    expect(series[0].shape).not.toBe(series[2].shape);
    expect(series[0].dash).toBe(METHOD_STYLE.erm.dash);
    expect(series[1].dash).toBeUndefined();
  });
  it('leaves a gap for a missing value', () => {
    const gaps = metricSeries([epoch(1, { erm: [0.5], mfw: [0.5] })], (r) => r.trainAccuracy, ['cat', 'dog'], lanes);
    expect(gaps[2].points[0].y).toBeNaN();
  });
  it('lists classes, then the lanes’ line styles, in the legend', () => {
    expect(metricLegend(['cat', 'dog'], lanes).map((e) => e.label)).toEqual(['cat', 'dog', 'ERM', 'MFW']);
  });
  it('draws any lanes, each with a dash of its own, a repeated method too', () => {
    const config = { ...DEFAULT_CONFIG, methods: ['erm', 'la', 'la:tau=1.5', 'ldam-drw'] };
    const many = laneStyles(lanesOf(config));
    expect(many.map((lane) => lane.label)).toEqual(['ERM', 'LA', 'LA τ=1.5', 'LDAM-DRW']);
    expect(new Set(many.map((lane) => lane.dash)).size).toBe(4);
    const s = metricSeries([epoch(1, { erm: [0.1], la: [0.2], 'la:tau=1.5': [0.3], 'ldam-drw': [0.4] })], (r) => r.trainAccuracy, ['cat'], many);
    expect(s.map((x) => x.points[0].y)).toEqual([0.1, 0.2, 0.3, 0.4]);
  });
});

describe('laneSeries', () => {
  const config = { ...DEFAULT_CONFIG, methods: ['erm', 'ldam-drw', 'remix-drw', 'mfw'] };
  const lanes = laneStyles(lanesOf(config));
  const at = (n: number, fields: Record<string, Partial<RunSnapshot>>): EpochSnapshot => ({
    epoch: n,
    learningRate: 0.1,
    imagesPerSecond: 0,
    trainFeatureLabels: new Uint8Array(),
    testLabels: new Uint8Array(),
    runs: Object.fromEntries(Object.entries(fields).map(([lane, f]) => [lane, runSnapshot(f)])),
  });
  const history = [
    at(1, { erm: { cleanTrainLoss: 1.2 }, 'ldam-drw': { cleanTrainLoss: 1.5 }, 'remix-drw': { cleanTrainLoss: 1.3, relabelledFraction: 0.25 }, mfw: { cleanTrainLoss: 1.1 } }),
    at(2, { erm: { cleanTrainLoss: 0.9 }, 'ldam-drw': { cleanTrainLoss: 1.0 }, 'remix-drw': { cleanTrainLoss: 1.0, relabelledFraction: 0.5 }, mfw: { cleanTrainLoss: 0.8 } }),
  ];

  it('draws one line per lane in the lane’s own colour and dash', () => {
    const series = laneSeries(history, lanes, [{ key: 'loss', label: '', metric: (r) => r.cleanTrainLoss }]);
    expect(series.map((s) => s.label)).toEqual(['ERM', 'LDAM-DRW', 'Remix-DRW', 'MFW']);
    expect(series.map((s) => [s.colour, s.dash])).toEqual(lanes.map((lane) => [lane.colour, lane.dash]));
    expect(series[1].points).toEqual([{ x: 1, y: 1.5 }, { x: 2, y: 1.0 }]);
  });

  it('leaves gaps where a lane has no value (null), and scales', () => {
    const series = laneSeries(history, lanes, [{ key: 'relabelled', label: '', metric: (r) => r.relabelledFraction }], 100);
    expect(series[0].points.every((p) => Number.isNaN(p.y))).toBe(true);
    expect(series[2].points.map((p) => p.y)).toEqual([25, 50]);
  });

  it('tells several measures apart by marker and width, lanes first, in the series and the legend', () => {
    const measures: LaneMeasure[] = [
      { key: 'a', label: 'balanced', metric: () => 1, shape: 'circle', width: 3 },
      { key: 'b', label: 'minor classes', metric: () => 0, shape: 'triangle', width: 1.3 },
    ];
    const series = laneSeries(history, lanes, measures);
    expect(series).toHaveLength(8);
    expect(series[4]).toMatchObject({ key: 'erm-b', label: 'ERM · minor classes', shape: 'triangle', width: 1.3 });
    const legend = laneLegend(lanes, measures);
    expect(legend.map((e) => e.label)).toEqual(['ERM', 'LDAM-DRW', 'Remix-DRW', 'MFW', 'balanced', 'minor classes']);
    // Ink lanes (ERM, MFW) keep the neutral swatch; one measure adds no entries.
    expect(legend[0].colour).toBeUndefined();
    expect(laneLegend(lanes, measures.slice(0, 1))).toHaveLength(4);
  });
});

describe('the method styles', () => {
  it('give every method its own dash and colour (ERM and MFW in ink)', () => {
    const styles = Object.values(METHOD_STYLE);
    expect(new Set(styles.map((s) => s.dash)).size).toBe(styles.length);
    expect(new Set(styles.map((s) => s.colour)).size).toBe(styles.length - 1);
  });
});
