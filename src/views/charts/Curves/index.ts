export { AccuracyCurves } from './AccuracyCurves.tsx';
export { RatioCurves } from './RatioCurves.tsx';
export { GradientNormCurves } from './GradientNormCurves.tsx';
export { DeviationCurves } from './DeviationCurves.tsx';
export type { CurvesProps } from './MetricCurves.tsx';
export { metricSeries, metricLegend } from './metricSeries.ts';
export { LossCurves } from './LossCurves.tsx';
export { laneSeries, laneLegend, type LaneMeasure, type LaneMetric } from './metricSeries.ts';
export {
  BalancedAccuracyCurves,
  BiasMultiples,
  ClassWeightCurves,
  CleanLossCurves,
  GradientRatioCurves,
  LaneCurves,
  PartnerShareCurves,
  RelabelledCurves,
  WeightNormMultiples,
} from './LabCurves.tsx';
export { SeedCurves, type SeedCurvesProps } from './SeedCurves.tsx';
export { seedBandSeries, seedLegend, type SeedMeasure } from './seedSeries.ts';
