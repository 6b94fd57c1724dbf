export { FeatureScatter, type FeatureScatterProps, type OtherLane } from './FeatureScatter.tsx';
export {
  sharedFeatureDomain,
  epochsFeatureDomain,
  SAME_AXES_COVERAGE,
  decisionBoundarySegments,
  decisionRegionPolygons,
  predictAll,
  predictClass,
  linkedIndexFor,
  nextLinkedPick,
  type LinkedPick,
  type Domain,
  type LinearClassifier,
  type BoundarySegment,
} from './featureSpace.ts';
