/**
 * A run's confusion matrix on the test set at one epoch, computed from the snapshot's test features
 * and classifier (the same predictions the scatter plot draws). Rows are true classes, columns
 * predictions; each cell shows the share of its row (the test set is balanced) and the count.
 */
import { useMemo } from 'react';
import { interpolateRgb } from 'd3';
import { FONT_FAMILY, INK, MUTED_INK, classColour, classShape, useChartSizes } from '../../theme.ts';
import { predictAll, type LinearClassifier } from '../FeatureScatter/featureSpace.ts';
import { estimateTextWidth, fittedFontSize } from '../legendLayout.ts';
import { MarkerSymbol } from '../MarkerSymbol.tsx';
import { useContainerWidth } from '../useContainerWidth.ts';
import { confusionMatrix } from './confusion.ts';
import '../../theme.css';

export interface ConfusionMatrixProps {
  /** Interleaved 2-D test features. */
  features: Float32Array;
  labels: Uint8Array;
  classifier: LinearClassifier;
  classNames: readonly string[];
  colours?: readonly string[];
  title: string;
  testId?: string;
}

const MAX_CELL = 92;
const SHADE = interpolateRgb('#ffffff', '#2f3b4c');
/** Header labels are tilted when they do not fit their column. */
const TILT_DEGREES = 35;

export function ConfusionMatrix({ features, labels, classifier, classNames, colours, title, testId = 'confusion-matrix' }: ConfusionMatrixProps) {
  const [rootRef, width] = useContainerWidth<HTMLElement>(360);
  const sizes = useChartSizes();
  const numClasses = classifier.weight.length;
  const counts = useMemo(() => confusionMatrix(labels, predictAll(classifier, features), numClasses), [labels, classifier, features, numClasses]);

  const marker = sizes.label * 0.36;
  const nameWidth = Math.max(...classNames.slice(0, numClasses).map((name) => estimateTextWidth(name, sizes.label)));
  const left = sizes.label + 14 + 2 * marker + 8 + nameWidth + 8;
  const cell = Math.max(36, Math.min(MAX_CELL, Math.floor((width - left - 10) / numClasses)));
  const tilted = nameWidth + 2 * marker + 6 > cell - 6;
  const headerHeight = tilted ? Math.sin((TILT_DEGREES * Math.PI) / 180) * (nameWidth + 2 * marker + 6) + sizes.label + 4 : sizes.label + 8;
  // A long title on a narrow chart shrinks (to the label size at least) rather than run into its neighbour.
  const titleSize = fittedFontSize(title, width, sizes.title, sizes.label);
  const titleHeight = titleSize + 9;
  const top = titleHeight + sizes.label + 6 + headerHeight;
  const height = top + numClasses * cell + 6;

  return (
    <figure ref={rootRef} className="ip-chart ip-confusion" data-testid={testId} style={{ height }}>
      <svg className="ip-chart-svg" width={width} height={height} role="img" aria-label={`${title}: rows are true classes, columns predictions`} fontFamily={FONT_FAMILY}>
        <text x={0} y={titleSize + 1} fontSize={titleSize} fontWeight={600} fill={INK}>{title}</text>
        <text x={left + (numClasses * cell) / 2} y={titleHeight + sizes.label} textAnchor="middle" fontSize={sizes.label} fill={MUTED_INK}>predicted class</text>
        <text transform={`translate(${sizes.label},${top + (numClasses * cell) / 2}) rotate(-90)`} textAnchor="middle" fontSize={sizes.label} fill={MUTED_INK}>true class</text>
        {classNames.slice(0, numClasses).map((name, c) => {
          const x = left + c * cell + cell / 2;
          const y = top - 6;
          return (
            <g key={`column-${c}`} fontSize={sizes.label} fill={INK}>
              {tilted ? (
                <g>
                  <MarkerSymbol shape={classShape(c)} colour={classColour(c, colours)} x={x - marker - 2} y={y - marker} r={marker} />
                  <text transform={`translate(${x + 6},${y - 1}) rotate(${-TILT_DEGREES})`}>{name}</text>
                </g>
              ) : (
                <g>
                  <MarkerSymbol shape={classShape(c)} colour={classColour(c, colours)} x={x - estimateTextWidth(name, sizes.label) / 2 - marker - 3} y={y - sizes.label * 0.35} r={marker} />
                  <text x={x + marker + 2} y={y} textAnchor="middle">{name}</text>
                </g>
              )}
            </g>
          );
        })}
        {counts.map((row, truth) => {
          const total = row.reduce((a, b) => a + b, 0);
          const y = top + truth * cell;
          return (
            <g key={`row-${truth}`} data-testid={`${testId}-row-${truth}`}>
              <MarkerSymbol shape={classShape(truth)} colour={classColour(truth, colours)} x={left - 14 - estimateTextWidth(classNames[truth] ?? '', sizes.label) - marker} y={y + cell / 2} r={marker} />
              <text x={left - 8} y={y + cell / 2} dy="0.35em" textAnchor="end" fontSize={sizes.label} fill={INK}>{classNames[truth]}</text>
              {row.map((count, predicted) => {
                const share = total > 0 ? count / total : 0;
                const dark = share > 0.5;
                const x = left + predicted * cell;
                return (
                  <g key={predicted} data-count={count}>
                    <rect x={x} y={y} width={cell} height={cell} fill={SHADE(share)} stroke="#ffffff" strokeWidth={2} />
                    <text x={x + cell / 2} y={y + cell / 2 - sizes.tick * 0.15} textAnchor="middle" fontSize={sizes.label} fontWeight={predicted === truth ? 700 : 400} fill={dark ? '#ffffff' : INK}>
                      {total > 0 ? `${Math.round(share * 100)} %` : '—'}
                    </text>
                    <text x={x + cell / 2} y={y + cell / 2 + sizes.tick * 1.05} textAnchor="middle" fontSize={sizes.tick} fill={dark ? '#ffffff' : MUTED_INK}>
                      {count}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
        {/* The diagonal (correct predictions) outlined, so it reads without the colour. */}
        {counts.map((_, c) => (
          <rect key={`diagonal-${c}`} x={left + c * cell + 1.5} y={top + c * cell + 1.5} width={cell - 3} height={cell - 3} fill="none" stroke={INK} strokeWidth={1.5} />
        ))}
      </svg>
    </figure>
  );
}
