/** Counts of (true class, predicted class) pairs: row = truth, column = prediction. */
export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number): number[][] {
  const counts = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const n = Math.min(labels.length, predictions.length);
  for (let i = 0; i < n; i++) {
    const truth = labels[i];
    const predicted = predictions[i];
    if (truth < numClasses && predicted < numClasses) counts[truth][predicted]++;
  }
  return counts;
}
