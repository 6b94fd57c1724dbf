/**
 * The engine's shared random streams, derived from the seed the same way on create and restore, and
 * by the page when it redraws a recording's plotted sample (state/replayImages.ts). No tfjs.
 */
import { Rng } from '../util/rng.ts';

/** Independent streams of one seed, forked in a fixed order (changing the order changes every run). */
export function engineStreams(seed: number) {
  // Salted so the engine's streams differ from the data module's subset sampling with the same seed.
  const root = new Rng((seed ^ 0x6a09e667) >>> 0);
  return {
    init: root.fork(),
    order: root.fork(),
    augmentation: root.fork(),
    /** Seed version 1's stream for every lane's draws. */
    sharedDraws: root.fork(),
    plotSample: root.fork(),
    deviationSeed: root.nextUint32(),
  };
}
