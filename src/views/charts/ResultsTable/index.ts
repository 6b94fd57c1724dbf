export { ResultsTable, type ResultsTableProps } from './ResultsTable.tsx';
export { summariseAccuracy, accuracyDifference, PAPER_SECTION4_RESULT, type AccuracySummary } from './accuracySummary.ts';
