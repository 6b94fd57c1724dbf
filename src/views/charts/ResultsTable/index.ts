export { ResultsTable, type ResultsTableProps } from './ResultsTable.tsx';
export { RunResultsTable, type RunResultsTableProps } from './RunResultsTable.tsx';
export { summariseAccuracy, accuracyDifference, PAPER_SECTION4_RESULT, type AccuracySummary } from './accuracySummary.ts';
export { summariseRun, paperFigure, median, MEDIAN_EPOCHS, type RunSummary } from './runSummary.ts';
