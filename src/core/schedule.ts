/**
 * Learning-rate schedule: optional linear warm-up, then cosine annealing from lr0 to 0 over the
 * rest of the run. It is evaluated per step (not per epoch), so the rate falls smoothly even in
 * short classroom runs; over 200 epochs this is indistinguishable from PyTorch's per-epoch
 * CosineAnnealingLR.
 */
export interface ScheduleSpec {
  learningRate: number;
  epochs: number;
  warmupEpochs: number;
  stepsPerEpoch: number;
}

/** Learning rate for the 0-based global step `globalStep` (= epoch · stepsPerEpoch + step). */
export function learningRateAt(spec: ScheduleSpec, globalStep: number): number {
  const total = spec.epochs * spec.stepsPerEpoch;
  const warmup = spec.warmupEpochs * spec.stepsPerEpoch;
  if (globalStep < warmup) return (spec.learningRate * (globalStep + 1)) / warmup;
  const progress = (globalStep - warmup) / Math.max(1, total - warmup);
  return spec.learningRate * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
}
