/** Table cells shared by the results tables: a percentage, and a difference in points coloured by its sign. */
import { GAIN, LOSS } from '../../theme.ts';

export const formatPercent = (value: number | null | undefined): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(1)} %`;

export function Difference({ points }: { points: number | null }) {
  if (points === null || !Number.isFinite(points)) return <td className="ip-num">—</td>;
  const sign = points > 0.05 ? '+' : points < -0.05 ? '−' : '±';
  const colour = points > 0.05 ? GAIN : points < -0.05 ? LOSS : undefined;
  return (
    <td className="ip-num ip-diff" style={{ color: colour }}>
      {sign}{Math.abs(points).toFixed(1)} pts
    </td>
  );
}
