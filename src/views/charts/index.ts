export * from './FeatureScatter/index.ts';
export * from './LineChart/index.ts';
export * from './Curves/index.ts';
export * from './ResultsTable/index.ts';
export { exportChart, chartToSvgString, chartToPngBlob, EXPORT_MARGIN, type ExportFormat } from './export.ts';
export * from './ConfusionMatrix/index.ts';
