/** Training images per chosen class as horizontal bars on a log scale (50 vs 5000 both stay visible). */
import { scaleBand, scaleLog } from 'd3';
import { classColour, FONT } from '../theme.ts';

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

export function ImbalanceChart({ classNames, trainCounts, testCounts, maxCount }: ImbalanceChartProps) {
  const height = TOP + ROW * classNames.length + BOTTOM;
  const x = scaleLog().domain([1, maxCount]).range([0, WIDTH - LEFT - RIGHT]).clamp(true);
  const y = scaleBand<number>().domain(classNames.map((_, i) => i)).range([TOP, TOP + ROW * classNames.length]).padding(0.22);
  const ticks = [1, 10, 100, 1000, maxCount].filter((t, i, all) => t <= maxCount && all.indexOf(t) === i);
  const summary = classNames.map((name, i) => `${name}: ${trainCounts[i]} training, ${testCounts[i]} test`).join('; ');
  return (
    <svg
      className="imbalance-chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      width={WIDTH}
      height={height}
      role="img"
      aria-label={`Training images per class (log scale). ${summary}`}
      data-testid="imbalance-chart"
    >
      <g transform={`translate(${LEFT},0)`}>
        {ticks.map((t) => (
          <g key={t} transform={`translate(${x(t)},0)`}>
            <line y1={TOP} y2={TOP + ROW * classNames.length} stroke="#d8dee4" />
            <text y={height - 8} textAnchor="middle" fontSize={FONT.tick} fill="#57606a">
              {t}
            </text>
          </g>
        ))}
        {classNames.map((name, i) => (
          <g key={name} data-testid="imbalance-bar">
            <text x={-6} y={(y(i) ?? 0) + y.bandwidth() / 2} dy="0.35em" textAnchor="end" fontSize={FONT.label} fill="#1f2328">
              {name}
            </text>
            <rect x={0} y={y(i)} width={Math.max(1, x(Math.max(1, trainCounts[i])))} height={y.bandwidth()} fill={classColour(i)} />
            <text x={x(Math.max(1, trainCounts[i])) + 4} y={(y(i) ?? 0) + y.bandwidth() / 2} dy="0.35em" fontSize={FONT.label} fill="#1f2328">
              {trainCounts[i]}
            </text>
          </g>
        ))}
      </g>
    </svg>
  );
}
