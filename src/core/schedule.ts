/**
 * Learning-rate schedules, evaluated per global step.
 *
 * 'cosine' (the seed paper's §4 and the app): optional linear warm-up, then cosine annealing from
 * lr0 to 0 over the rest of the run, per step (not per epoch), so the rate falls smoothly even in
 * short classroom runs; over 200 epochs this is indistinguishable from PyTorch's per-epoch
 * CosineAnnealingLR.
 *
 * 'ldam' (kaidic/LDAM-DRW cifar_train.py adjust_learning_rate, the recipe behind Table 1's numbers),
 * per epoch as there: with e the 0-based epoch and n = e + 1, lr0·n/5 while n ≤ 5, lr0·0.0001 once
 * n > 180, lr0·0.01 once n > 160, else lr0. That code fixes the epochs for its 200-epoch runs; here
 * the two decays sit at 80 % and 90 % of the run (floor(0.8·E) and floor(0.9·E), 0-based: 160 and 180
 * of 200, exactly the authors' rule), the same fraction at which DRW switches on (core/methods.ts
 * DRW_START), so the deferred re-weighting and the first decay coincide at every length as they do
 * in the authors' runs. The warm-up stays 5 epochs (it steadies the first steps, whatever the run's
 * length), cut short to end before the first decay in runs of fewer than 7 epochs.
 */
export type ScheduleName = 'cosine' | 'ldam';

/** The LDAM schedule's linear warm-up, in epochs (kaidic/LDAM-DRW). */
export const LDAM_WARMUP_EPOCHS = 5;
/** Where the LDAM schedule's decays start, as fractions of the epochs (160 and 180 of 200), and their factors on lr0. */
export const LDAM_DECAYS = [
  { at: 0.8, factor: 0.01 },
  { at: 0.9, factor: 0.0001 },
] as const;

export interface ScheduleSpec {
  learningRate: number;
  epochs: number;
  /** The cosine schedule's linear warm-up (the LDAM schedule has its own). */
  warmupEpochs: number;
  stepsPerEpoch: number;
  /** Absent: 'cosine'. */
  schedule?: ScheduleName;
}

/** The 0-based epochs from which the LDAM schedule's decays apply, for a run of `epochs` epochs: [160, 180] for 200. */
export function ldamDecayEpochs(epochs: number): number[] {
  return LDAM_DECAYS.map(({ at }) => Math.floor(at * epochs));
}

/** The LDAM schedule's learning rate during 0-based `epoch` of `epochs`. */
export function ldamLearningRate(learningRate: number, epoch: number, epochs: number): number {
  const decays = ldamDecayEpochs(epochs);
  const warmup = Math.min(LDAM_WARMUP_EPOCHS, decays[0]);
  let factor = 1;
  LDAM_DECAYS.forEach(({ factor: f }, i) => {
    if (epoch >= decays[i]) factor = f;
  });
  if (factor === 1 && epoch < warmup) return (learningRate * (epoch + 1)) / warmup;
  return learningRate * factor;
}

/** Learning rate for the 0-based global step `globalStep` (= epoch · stepsPerEpoch + step). */
export function learningRateAt(spec: ScheduleSpec, globalStep: number): number {
  if (spec.schedule === 'ldam') return ldamLearningRate(spec.learningRate, Math.floor(globalStep / spec.stepsPerEpoch), spec.epochs);
  const total = spec.epochs * spec.stepsPerEpoch;
  const warmup = spec.warmupEpochs * spec.stepsPerEpoch;
  if (globalStep < warmup) return (spec.learningRate * (globalStep + 1)) / warmup;
  const progress = (globalStep - warmup) / Math.max(1, total - warmup);
  return spec.learningRate * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
}
