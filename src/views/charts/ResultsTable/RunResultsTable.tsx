/**
 * Test accuracy over the whole run, a row per lane: balanced and minor-class accuracy at the last
 * stored epoch and as the median of the last epochs, the best epoch (marked: chosen on the test set),
 * the median's difference to the baseline lane (the first), and the seed paper's figure where one
 * exists for this setting. The lanes as trained: post-hoc corrections change the shown epoch only.
 */
import { fileSafeLaneId, type Lane } from '../../../core/methods.ts';
import type { EpochSnapshot } from '../../../core/snapshot.ts';
import { isMajorClass } from '../../../core/mfwWeights.ts';
import { accuracyDifference } from './accuracySummary.ts';
import { Difference, formatPercent } from './cells.tsx';
import { MEDIAN_EPOCHS, summariseRun } from './runSummary.ts';
import '../../theme.css';

export interface RunResultsTableProps {
  history: readonly EpochSnapshot[];
  /** The configuration's lanes; the first is the baseline. */
  lanes: readonly Pick<Lane, 'id' | 'label'>[];
  trainCounts: readonly number[];
  /** The paper's reported balanced accuracy (%) per lane id, or null where none exists for this setting. */
  paperFigures: Readonly<Record<string, number | null>>;
}

export function RunResultsTable({ history, lanes, trainCounts, paperFigures }: RunResultsTableProps) {
  const isMajor = isMajorClass(trainCounts);
  const summaries = lanes.map((lane) => summariseRun(history, lane.id, isMajor));
  const baseline = summaries[0];
  const lastEpoch = summaries.find(Boolean)?.last.epoch ?? null;
  const medianEpochs = Math.max(0, ...summaries.map((summary) => summary?.median.epochs ?? 0));
  const anyPaper = lanes.some((lane) => typeof paperFigures[lane.id] === 'number');
  return (
    <figure className="ip-results ip-results-over-run" data-testid="results-over-run">
      <table>
        <caption>
          Test accuracy over the run, a row per method, as trained (post-hoc corrections change only the table above)
        </caption>
        <thead>
          <tr>
            <th scope="col" rowSpan={2}>Method</th>
            <th scope="colgroup" colSpan={2} className="ip-group">Last epoch{lastEpoch === null ? '' : ` (${lastEpoch})`}</th>
            <th scope="colgroup" colSpan={2} className="ip-group" data-testid="results-over-run-median-head">
              {medianEpochs < MEDIAN_EPOCHS
                ? `Median of the ${medianEpochs === 1 ? 'one epoch' : `${medianEpochs} epochs`} stored (fewer than ${MEDIAN_EPOCHS})`
                : `Median of the last ${MEDIAN_EPOCHS} epochs`}
            </th>
            <th scope="col" className="ip-group">Best epoch*</th>
            <th scope="colgroup" colSpan={2} className="ip-group">Median − baseline</th>
            <th scope="col" rowSpan={2} className="ip-group ip-paper">Paper</th>
          </tr>
          <tr>
            {['balanced', 'minor', 'balanced', 'minor'].map((what, i) => (
              <th key={i} scope="col" className="ip-num">{what}</th>
            ))}
            <th scope="col" className="ip-group ip-optimistic">balanced, chosen on the test set</th>
            {['balanced', 'minor'].map((what) => (
              <th key={what} scope="col" className="ip-num">{what}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {lanes.map((lane, i) => {
            const summary = summaries[i];
            const paper = paperFigures[lane.id];
            return (
              <tr key={lane.id} data-testid={`results-over-run-${fileSafeLaneId(lane.id)}`}>
                <th scope="row">
                  {lane.label}
                  {i === 0 ? <span className="ip-count"> (baseline)</span> : null}
                </th>
                <td className="ip-num">{formatPercent(summary?.last.balanced)}</td>
                <td className="ip-num">{formatPercent(summary?.last.minor)}</td>
                <td className="ip-num">{formatPercent(summary?.median.balanced)}</td>
                <td className="ip-num">{formatPercent(summary?.median.minor)}</td>
                <td className="ip-num ip-optimistic">{summary ? `${formatPercent(summary.best.balanced)} (epoch ${summary.best.epoch})` : '—'}</td>
                {i === 0 ? (
                  <td colSpan={2} className="ip-baseline">baseline</td>
                ) : (
                  <>
                    <Difference points={accuracyDifference(baseline?.median.balanced, summary?.median.balanced)} />
                    <Difference points={accuracyDifference(baseline?.median.minor, summary?.median.minor)} />
                  </>
                )}
                <td className="ip-num ip-paper">{typeof paper === 'number' ? `${paper.toFixed(2)} %` : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <figcaption className="ip-note">
        Balanced: the mean of the per-class accuracies; minor: the minor classes’ mean. The median of the last epochs is steadier than one epoch, whose
        accuracy can swing by several points. *The best epoch is picked by looking at the test accuracy, so it is optimistic: an upper bound, not a
        result.{' '}
        {anyPaper
          ? 'Paper: the seed paper’s §4 figure (ResNet-32, 200 epochs, this subset, all 1000 test images per class), to compare with the last epoch.'
          : 'Paper: no published figure exists for this setting (the seed paper reports only ERM and MFW in its §4 setting).'}
      </figcaption>
    </figure>
  );
}
