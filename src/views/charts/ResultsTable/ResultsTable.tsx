/**
 * Test accuracy of the selected epoch, one column per lane (ERM beside MFW by default): overall
 * (balanced), major and minor averages, and per class; with two lanes the second − first difference
 * (MFW − ERM), and in the paper's §4 setting with ERM and MFW lanes, the paper's figures too.
 */
import type { Lane } from '../../../core/methods.ts';
import type { EpochSnapshot, RunSnapshot } from '../../../core/snapshot.ts';
import { isMajorClass } from '../../../core/mfwWeights.ts';
import { classColour, classShape } from '../../theme.ts';
import { ClassSwatch } from '../MarkerSymbol.tsx';
import { accuracyDifference, summariseAccuracy } from './accuracySummary.ts';
import { Difference, formatPercent } from './cells.tsx';
import '../../theme.css';

export interface ResultsTableProps {
  /** The scrubbed (or latest) epoch; null before the first epoch ends. */
  snapshot: EpochSnapshot | null;
  classNames: readonly string[];
  trainCounts: readonly number[];
  /** The configuration's lanes, in column order. */
  lanes: readonly Pick<Lane, 'id' | 'method' | 'label'>[];
  /** The paper's reported balanced accuracy (%) per lane id where one exists (runSummary's paperFigure): shown beside the overall row when ERM and MFW both have one. */
  paperFigures: Readonly<Record<string, number | null>>;
  /** Test images per class when the evaluation used a sample of the test set; absent or null for the whole set. */
  sampledTestPerClass?: number | null;
  colours?: readonly string[];
}

export function ResultsTable({ snapshot, classNames, trainCounts, lanes, paperFigures, sampledTestPerClass = null, colours }: ResultsTableProps) {
  const isMajor = isMajorClass(trainCounts);
  const summaries = lanes.map((lane) => {
    const run = snapshot?.runs[lane.id] as RunSnapshot | undefined;
    return run ? summariseAccuracy(run.testAccuracy, isMajor) : null;
  });
  // The difference column of a pair: the second lane (MFW) against the first (ERM).
  const pair = lanes.length === 2;
  const { erm: paperErm, mfw: paperMfw } = paperFigures;
  const showPaper = typeof paperErm === 'number' && typeof paperMfw === 'number';
  const majorCount = isMajor.filter(Boolean).length;
  const paperCells = (values: [string, string]) =>
    showPaper ? values.map((text, i) => <td key={i} className="ip-num ip-paper">{text}</td>) : null;

  const summaryRows: { key: string; label: string; pick: (s: ReturnType<typeof summariseAccuracy>) => number | null; paper: [string, string] }[] = [
    { key: 'overall', label: 'All classes (balanced)', pick: (s) => s.overall, paper: [`${paperErm?.toFixed(2)} %`, `${paperMfw?.toFixed(2)} %`] },
    { key: 'major', label: `Major classes (${majorCount})`, pick: (s) => s.majorAverage, paper: ['—', '—'] },
    { key: 'minor', label: `Minor classes (${trainCounts.length - majorCount})`, pick: (s) => s.minorAverage, paper: ['—', '—'] },
  ];

  return (
    <figure className="ip-results" data-testid="results-table">
      <table>
        <caption>
          Test accuracy {snapshot ? `after epoch ${snapshot.epoch}` : '(no epoch finished yet)'}
          {sampledTestPerClass !== null ? ` on a sample of ${sampledTestPerClass} test images per class` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Classes</th>
            {lanes.map((lane) => (
              <th key={lane.id} scope="col" className="ip-num">
                {lane.label}
              </th>
            ))}
            {pair && <th scope="col" className="ip-num">{lanes[1].label} − {lanes[0].label}</th>}
            {showPaper && <th scope="col" className="ip-num ip-paper">Paper ERM</th>}
            {showPaper && <th scope="col" className="ip-num ip-paper">Paper MFW</th>}
          </tr>
        </thead>
        <tbody>
          {summaryRows.map((row) => {
            const values = summaries.map((summary) => (summary ? row.pick(summary) : null));
            return (
              <tr key={row.key} className={`ip-summary ip-summary-${row.key}`} data-testid={`results-row-${row.key}`}>
                <th scope="row">{row.label}</th>
                {values.map((value, i) => (
                  <td key={lanes[i].id} className="ip-num">{formatPercent(value)}</td>
                ))}
                {pair && <Difference points={accuracyDifference(values[0], values[1])} />}
                {paperCells(row.paper)}
              </tr>
            );
          })}
          {classNames.map((name, c) => (
            <tr key={name} data-testid={`results-row-class-${c}`}>
              <th scope="row">
                <ClassSwatch shape={classShape(c)} colour={classColour(c, colours)} />
                {name}
                <span className="ip-count">
                  {' '}N = {trainCounts[c]?.toLocaleString('en-US') ?? '?'} · {isMajor[c] ? 'major' : 'minor'}
                </span>
              </th>
              {summaries.map((summary, i) => (
                <td key={lanes[i].id} className="ip-num">{formatPercent(summary?.perClass[c])}</td>
              ))}
              {pair && <Difference points={accuracyDifference(summaries[0]?.perClass[c], summaries[1]?.perClass[c])} />}
              {paperCells(['—', '—'])}
            </tr>
          ))}
        </tbody>
      </table>
      {showPaper && (
        <figcaption className="ip-note">
          Paper figures: ResNet-32 trained for 200 epochs on the same four-class subset sizes (§4), tested on all 1000 test images per class. A shorter run, another seed
          {sampledTestPerClass !== null ? ' or a sampled test set' : ''} will not match them exactly.
        </figcaption>
      )}
    </figure>
  );
}
