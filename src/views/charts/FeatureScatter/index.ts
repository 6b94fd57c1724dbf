export { FeatureScatter, type FeatureScatterProps } from './FeatureScatter.tsx';
export {
  sharedFeatureDomain,
  decisionBoundarySegments,
  decisionRegionGrid,
  predictClass,
  type Domain,
  type LinearClassifier,
  type BoundarySegment,
} from './featureSpace.ts';
