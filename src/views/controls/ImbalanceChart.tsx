/**
 * Training images per chosen class as horizontal bars: on a linear scale by default, so 50 against
 * 5,000 looks as lopsided as it is, with a log scale as an option to read the small counts.
 */
import { useState } from 'react';
import { scaleBand, scaleLinear, scaleLog } from 'd3';
import { classColour, FONT, INK, MUTED_INK } from '../theme.ts';

export interface ImbalanceChartProps {
  classNames: readonly string[];
  trainCounts: readonly number[];
  testCounts: readonly number[];
  maxCount: number;
}

const WIDTH = 360;
const ROW = 26;
const LEFT = 84;
const RIGHT = 64;
const TOP = 6;
const BOTTOM = 26;

export type CountScale = 'linear' | 'log';

export function ImbalanceChart({ classNames, trainCounts, testCounts, maxCount }: ImbalanceChartProps) {
  const [scale, setScale] = useState<CountScale>('linear');
  const height = TOP + ROW * classNames.length + BOTTOM;
  const range: [number, number] = [0, WIDTH - LEFT - RIGHT];
  const x =
    scale === 'log'
      ? scaleLog().domain([1, maxCount]).range(range).clamp(true)
      : scaleLinear().domain([0, maxCount]).range(range).clamp(true);
  const y = scaleBand<number>().domain(classNames.map((_, i) => i)).range([TOP, TOP + ROW * classNames.length]).padding(0.22);
  const ticks = scale === 'log' ? [1, 10, 100, 1000, maxCount].filter((t, i, all) => t <= maxCount && all.indexOf(t) === i) : x.ticks(4);
  const barEnd = (count: number): number => x(scale === 'log' ? Math.max(1, count) : count);
  const summary = classNames.map((name, i) => `${name}: ${trainCounts[i]} training, ${testCounts[i]} test`).join('; ');
  return (
    <figure className="imbalance-figure" data-testid="imbalance-figure" data-scale={scale}>
      <svg
        className="imbalance-chart"
        viewBox={`0 0 ${WIDTH} ${height}`}
        width={WIDTH}
        height={height}
        role="img"
        aria-label={`Training images per class (${scale} scale). ${summary}`}
        data-testid="imbalance-chart"
      >
        <g transform={`translate(${LEFT},0)`}>
          {ticks.map((t) => (
            <g key={t} transform={`translate(${x(t)},0)`}>
              <line y1={TOP} y2={TOP + ROW * classNames.length} stroke="#d8dee4" />
              <text y={height - 8} textAnchor="middle" fontSize={FONT.tick} fill={MUTED_INK}>
                {t.toLocaleString('en-US')}
              </text>
            </g>
          ))}
          {classNames.map((name, i) => (
            <g key={name} data-testid="imbalance-bar" data-width={barEnd(trainCounts[i]).toFixed(1)}>
              <text x={-6} y={(y(i) ?? 0) + y.bandwidth() / 2} dy="0.35em" textAnchor="end" fontSize={FONT.label} fill={INK}>
                {name}
              </text>
              {/* At least a sliver, so a class of a few images still shows a bar. */}
              <rect x={0} y={y(i)} width={Math.max(1.5, barEnd(trainCounts[i]))} height={y.bandwidth()} fill={classColour(i)} />
              <text x={Math.max(1.5, barEnd(trainCounts[i])) + 4} y={(y(i) ?? 0) + y.bandwidth() / 2} dy="0.35em" fontSize={FONT.label} fill={INK}>
                {trainCounts[i].toLocaleString('en-US')}
              </text>
            </g>
          ))}
        </g>
      </svg>
      <figcaption>
        Training images per class, {scale === 'log' ? 'log scale (each grid line is ten times the last)' : 'linear scale'}. The test sets stay balanced.{' '}
        <label className="scale-toggle">
          <input type="checkbox" checked={scale === 'log'} data-testid="imbalance-log-scale" onChange={(event) => setScale(event.target.checked ? 'log' : 'linear')} /> log scale
        </label>
      </figcaption>
    </figure>
  );
}
