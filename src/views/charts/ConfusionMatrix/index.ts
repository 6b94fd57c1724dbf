export { ConfusionMatrix, type ConfusionMatrixProps } from './ConfusionMatrix.tsx';
export { confusionMatrix } from './confusion.ts';
