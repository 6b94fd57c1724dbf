/**
 * Any set of lanes (core/methods.ts) trained in lockstep as a controlled comparison: every lane
 * starts from the same initial weights (one draw) and every step every lane sees the same batch with
 * the same augmentation (built once here). A lane's own random draws (partners, λ, mixing point) come
 * from a stream of (seed, the lane's draw key), so adding, removing or reordering lanes never changes
 * another lane's numbers. Seed version 1 (before the method lab) drew them from one shared stream in
 * lane order, which reproduces the ERM/MFW runs of that time exactly.
 *
 * Read-back discipline (never dataSync/arraySync): each step issues one asynchronous read of every
 * lane's loss and then awaits the previous step's read. That keeps at most about two steps in the
 * GPU queue, so the page's memory and latency stay bounded, and a NaN/Inf loss is noticed one step
 * late. Everything else is read once per epoch, in a single transfer, by `finishEpoch` (evaluation.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { lanesOf, type ExperimentConfig } from '../config/experiment.ts';
import { sharesDrawStream } from '../core/laneSplit.ts';
import { epochOrder, makeTrainBatch } from '../data/batches.ts';
import type { ExperimentData } from '../data/types.ts';
import { Rng } from '../util/rng.ts';
import { waterFillSample } from '../core/metrics.ts';
import { engineStreams } from '../core/streams.ts';
import { isMajorClass } from '../core/mfwWeights.ts';
import { classWeightsAt, drawMixing, drawKey, fileSafeLaneId, laneStream, lossTargets, trainingLogitOffsets, type Lane, type MixingDraw } from '../core/methods.ts';
import { learningRateAt } from '../core/schedule.ts';
import type { EpochSnapshot, RunSnapshot } from '../core/snapshot.ts';
import { FEATURE_DIM, variableSpecs, type ResNetSpec } from '../core/architecture.ts';
import { checkState, LOCKSTEP_STATE_VERSION, type LaneState, type LockstepState } from './checkpoint.ts';
import { evaluateLanes, imageTensor, type EvaluatedLane } from './evaluation.ts';
import { LaneTrainer, type MixingInputs } from './laneTrainer.ts';
import { cosineHeadValues, headOptionsFor, initialValues, isLearned, ResNet } from './resnet.ts';
import { kernelsFor } from './kernels/index.ts';
import { exportLaneWeights, type WeightsExport } from './weightsExport.ts';

export class NonFiniteLossError extends Error {
  constructor(
    /** The lane's label, e.g. “MFW”. */
    readonly lane: string,
    readonly epoch: number,
    readonly step: number,
    readonly loss: number,
  ) {
    super(`The ${lane} loss became ${loss} at epoch ${epoch + 1}, step ${step + 1}; try a smaller learning rate.`);
    this.name = 'NonFiniteLossError';
  }
}

/** Optional overrides, for tests and experiments. */
export interface LockstepOptions {
  /** MFW's s(N_c) per class instead of the spec's weight function (e.g. all 0: MFW ≡ ERM). */
  mfwWeights?: number[];
  /**
   * The engine's fused kernels where the backend has them (webgpu: batch norm, filter gradient,
   * head and loss, SGD; webgl: the filter gradient); false runs the stock tfjs composition, for
   * comparison. Default true.
   */
  fused?: boolean;
  /**
   * Train only these lanes of the configuration (one worker's share, laneGroups.ts): batches,
   * augmentation, initial weights and each lane's draws are those of the whole run, so every lane
   * trains exactly as beside all the others. Default: every lane.
   */
  laneIds?: readonly string[];
}

/**
 * What the training worker and the scripts drive: a LockstepRunner in this thread, or a
 * ParallelLockstep (laneGroups.ts) whose lanes train in several workers with the same numbers.
 */
export interface TrainingRunner {
  readonly stepsPerEpoch: number;
  /** Completed epochs. */
  readonly epoch: number;
  /** Steps done in the current epoch. */
  readonly step: number;
  readonly finished: boolean;
  /** Training-set indices of the plotted training sample, in the order of a snapshot's `trainFeatures`. */
  readonly plotIndices: Int32Array;
  trainStep(): Promise<void>;
  finishEpoch(): Promise<EpochSnapshot>;
  saveState(): Promise<LockstepState>;
  exportWeights(laneId: string, binName?: string): Promise<WeightsExport>;
  evaluate(): Promise<EpochSnapshot>;
  dispose(): void;
}

function copyBuffer(values: ArrayLike<number>): ArrayBuffer {
  return Float32Array.from(values).buffer;
}

/** One lane while it trains: its network and the epoch's running sums. */
interface LaneRun {
  lane: Lane;
  trainer: LaneTrainer;
  /** Per label, the logit-offset row a sample of that class gets in training; null without offsets. */
  offsetRows: number[][] | null;
  /** The lane's own draw stream (seed version 2, mixing lanes). */
  draws: Rng | null;
  lossSum: number;
  stepLosses: number[];
  partnerShareSums: number[];
  relabelled: number;
}

export class LockstepRunner implements TrainingRunner {
  readonly stepsPerEpoch: number;
  readonly lanes: readonly Lane[];
  /** Completed epochs. */
  epoch: number;
  /** Steps done in the current epoch. */
  step: number;
  /** Per lane id, the per-step losses of the most recently finished epoch (read one step late; see the file comment). */
  lastEpochLosses: Record<string, number[]> = {};
  /** Bytes read back from the device during the most recently finished epoch. */
  lastEpochReadBackBytes = 0;
  /** Training-set indices of the plotted training sample, in the order of a snapshot's `trainFeatures`. */
  readonly plotIndices: Int32Array;

  private readonly spec: ResNetSpec;
  private readonly numClasses: number;
  private readonly runs: LaneRun[];
  private readonly orderRng: Rng;
  private readonly augmentationRng: Rng;
  private readonly sharedDraws: Rng;
  private readonly deviationSeed: number;
  private readonly plotLabels: Uint8Array;
  private order: Int32Array;
  private samplesPerClass: number[];
  private trainSeconds: number;
  private readBackBytes = 0;
  private pendingLosses: Promise<{ values: Float32Array; runs: readonly LaneRun[]; epoch: number; step: number }> | null = null;

  private constructor(
    private readonly data: ExperimentData,
    private readonly config: ExperimentConfig,
    state: LockstepState | null,
    private readonly options: LockstepOptions,
  ) {
    const numClasses = data.trainCounts.length;
    const trainSize = data.train.count;
    if (trainSize === 0) throw new Error('LockstepRunner: the training set is empty.');
    this.numClasses = numClasses;
    this.stepsPerEpoch = Math.ceil(trainSize / config.batchSize);
    this.spec = LockstepRunner.specOf(config, numClasses);
    this.lanes = LockstepRunner.lanesTrained(config, options.laneIds);
    const groups = 1 + 3 * config.blocksPerStage;
    if (config.mixingPoint < 1 || config.mixingPoint > groups) {
      throw new Error(`LockstepRunner: the mixing point must be between 1 and ${groups} (got ${config.mixingPoint}).`);
    }
    const streams = engineStreams(config.seed);
    // Chosen once for every lane: the model and the step have no backend branches.
    const kernels = kernelsFor(tf.getBackend(), options.fused ?? true);
    this.orderRng = streams.order;
    this.augmentationRng = streams.augmentation;
    this.sharedDraws = streams.sharedDraws;
    this.deviationSeed = streams.deviationSeed;
    this.plotIndices = waterFillSample(data.train.labels, numClasses, config.trainFeatureSample, streams.plotSample);
    this.plotLabels = Uint8Array.from(this.plotIndices, (i) => data.train.labels[i]);

    const laneRun = (lane: Lane, values: readonly ArrayLike<number>[], saved: LaneState | null): LaneRun => {
      const model = new ResNet(this.spec, values as ArrayLike<number>[], kernels, headOptionsFor(lane.spec));
      const momentum = saved?.momentum.map((b) => new Float32Array(b));
      const trainer = new LaneTrainer(model, kernels.createSgd(model.trainable, config.momentum, config.weightDecay, momentum), config.mixingPoint, saved?.gradientNormSums ?? new Array<number>(numClasses).fill(0));
      const key = drawKey(lane.spec);
      const draws = key !== null && config.seedVersion === 2 ? laneStream(config.seed, key) : null;
      if (draws && saved?.draws) draws.setState(saved.draws);
      return {
        lane,
        trainer,
        offsetRows: trainingLogitOffsets(lane.spec, data.trainCounts),
        draws,
        lossSum: saved?.lossSum ?? 0,
        stepLosses: [],
        partnerShareSums: saved ? [...saved.partnerShareSums] : new Array<number>(numClasses).fill(0),
        relabelled: saved?.relabelled ?? 0,
      };
    };

    if (state) {
      checkState(state, this.stateShape());
      this.orderRng.setState(state.rng.order);
      this.augmentationRng.setState(state.rng.augmentation);
      this.sharedDraws.setState(state.rng.sharedDraws);
      this.epoch = state.epoch;
      this.step = state.step;
      this.order = new Int32Array(state.order.slice(0));
      this.samplesPerClass = [...state.gradientCounts];
      this.trainSeconds = state.trainSeconds;
      this.runs = this.lanes.map((lane) => {
        const saved = state.runs[lane.id];
        return laneRun(lane, saved.variables.map((b) => new Float32Array(b)), saved);
      });
    } else {
      this.epoch = 0;
      this.step = 0;
      this.order = new Int32Array(0);
      this.samplesPerClass = new Array<number>(numClasses).fill(0);
      this.trainSeconds = 0;
      // One initialisation, copied into every lane: the comparison starts from identical weights.
      const values = initialValues(this.spec, streams.init);
      this.runs = this.lanes.map((lane) => laneRun(lane, lane.spec.head === 'cosine' ? cosineHeadValues(this.spec, values) : values, null));
    }
  }

  static async create(data: ExperimentData, config: ExperimentConfig, options: LockstepOptions = {}): Promise<LockstepRunner> {
    await tf.ready();
    return new LockstepRunner(data, config, null, options);
  }

  /** Continues a saved state exactly; throws IncompatibleStateError (checkpoint.ts) for one of another version or configuration. */
  static async restore(data: ExperimentData, config: ExperimentConfig, state: LockstepState, options: LockstepOptions = {}): Promise<LockstepRunner> {
    await tf.ready();
    return new LockstepRunner(data, config, state, options);
  }

  /**
   * A runner continuing from loaded weights (`variableSpecs` order, by lane id; a lane without its
   * own takes the first given lane's) after `epoch` epochs. The learning-rate schedule continues
   * there; the momentum starts at zero and the random streams start again from the seed, so it is
   * not the uninterrupted run (weights files hold neither).
   */
  static async fromWeights(data: ExperimentData, config: ExperimentConfig, weights: Record<string, Float32Array[]>, epoch: number): Promise<LockstepRunner> {
    await tf.ready();
    return new LockstepRunner(data, config, LockstepRunner.stateFromWeights(data, config, weights, epoch), {});
  }

  /**
   * The state `fromWeights` continues from: loaded weights (`variableSpecs` order, by lane id; a lane
   * without its own takes the first given lane's) after `epoch` epochs, zero momentum, the random
   * streams as at the start.
   */
  static stateFromWeights(data: ExperimentData, config: ExperimentConfig, weights: Record<string, Float32Array[]>, epoch: number): LockstepState {
    const numClasses = data.trainCounts.length;
    const spec = LockstepRunner.specOf(config, numClasses);
    const specs = variableSpecs(spec);
    const streams = engineStreams(config.seed);
    const fallback = Object.values(weights)[0];
    if (!fallback) throw new Error('No weights were chosen.');
    const lanes = lanesOf(config);
    const runs = Object.fromEntries(
      lanes.map((lane): [string, LaneState] => {
        const given = weights[lane.id] ?? fallback;
        return [
          lane.id,
          {
            variables: (lane.spec.head === 'cosine' && !weights[lane.id] ? cosineHeadValues(spec, given) : given).map((values) => copyBuffer(values)),
            momentum: specs.filter((v) => isLearned(v, lane.spec.head)).map((v) => new Float32Array(v.shape.reduce((a, b) => a * b, 1)).buffer),
            gradientNormSums: new Array<number>(numClasses).fill(0),
            lossSum: 0,
            partnerShareSums: new Array<number>(numClasses).fill(0),
            relabelled: 0,
            draws: null,
          },
        ];
      }),
    );
    return {
      version: LOCKSTEP_STATE_VERSION,
      shape: LockstepRunner.shapeOf(config, numClasses, data.train.count),
      epoch,
      step: 0,
      order: new ArrayBuffer(0),
      rng: { order: streams.order.getState(), augmentation: streams.augmentation.getState(), sharedDraws: streams.sharedDraws.getState() },
      runs,
      gradientCounts: new Array<number>(numClasses).fill(0),
      trainSeconds: 0,
    };
  }

  /** The configuration's lanes, or those of them named (in the configuration's order). */
  private static lanesTrained(config: ExperimentConfig, laneIds: readonly string[] | undefined): Lane[] {
    const all = lanesOf(config);
    if (!laneIds) return all;
    const unknown = laneIds.filter((id) => !all.some((lane) => lane.id === id));
    if (unknown.length > 0 || laneIds.length === 0) {
      throw new Error(`LockstepRunner: no lane ${unknown.join(', ') || '(none chosen)'} in this configuration (lanes: ${all.map((l) => l.id).join(', ')}).`);
    }
    const lanes = all.filter((lane) => laneIds.includes(lane.id));
    const sharing = all.filter((lane) => sharesDrawStream(config, lane));
    const sharingHere = sharing.filter((lane) => lanes.includes(lane));
    if (sharingHere.length > 0 && sharingHere.length < sharing.length) {
      throw new Error(`LockstepRunner: in seed version 1 the mixing lanes (${sharing.map((l) => l.id).join(', ')}) draw from one stream and must train together.`);
    }
    return lanes;
  }

  /** The network of every lane: the configuration's depth, width and feature for the data's classes. */
  private static specOf(config: ExperimentConfig, numClasses: number): ResNetSpec {
    return { blocksPerStage: config.blocksPerStage, width: config.width, numClasses, featureDim: config.featureDim };
  }

  private static shapeOf(config: ExperimentConfig, numClasses: number, trainSize: number): LockstepState['shape'] {
    return {
      blocksPerStage: config.blocksPerStage,
      width: config.width,
      numClasses,
      trainSize,
      batchSize: config.batchSize,
      seedVersion: config.seedVersion,
      lanes: [...config.methods],
      // Named only when not the 2-D feature, so the states saved before it existed still match.
      ...(config.featureDim !== FEATURE_DIM ? { featureDim: config.featureDim } : {}),
    };
  }

  private stateShape(): LockstepState['shape'] {
    return LockstepRunner.shapeOf(this.config, this.numClasses, this.data.train.count);
  }

  get finished(): boolean {
    return this.epoch >= this.config.epochs;
  }

  /** The learning rate of the next step (of the last step once finished). */
  get learningRate(): number {
    const globalStep = Math.min(this.epoch * this.stepsPerEpoch + this.step, this.config.epochs * this.stepsPerEpoch - 1);
    return learningRateAt({ ...this.config, stepsPerEpoch: this.stepsPerEpoch }, globalStep);
  }

  /** Learned parameters of the first lane's network (BN γ/β included; a cosine head has no bias). */
  get parameterCount(): number {
    return this.runs[0].trainer.model.trainable.reduce((sum, v) => sum + v.size, 0);
  }

  /** Bytes read back from the device so far in the current epoch. */
  get epochReadBackBytes(): number {
    return this.readBackBytes;
  }

  /**
   * One SGD step of every lane on the same batch. Resolves once the previous step's losses are read
   * (bounding the device queue); throws NonFiniteLossError when one of them is NaN or infinite.
   */
  async trainStep(): Promise<void> {
    return this.stepRuns(this.runs);
  }

  /**
   * For measuring one lane on its own (scripts/bench.ts): one SGD step of that lane alone, on the
   * batch trainStep would use next (same augmentation, same loss read-back). The other lanes do not
   * learn, so the runner leaves lockstep: use such a runner for measuring only.
   */
  async trainLaneStep(laneId: string): Promise<void> {
    return this.stepRuns([this.run(laneId)]);
  }

  private run(laneId: string): LaneRun {
    const run = this.runs.find((r) => r.lane.id === laneId);
    if (!run) throw new Error(`LockstepRunner: no lane ${laneId} (lanes: ${this.lanes.map((l) => l.id).join(', ')}).`);
    return run;
  }

  /** The lane's draws for a batch: its own stream (seed version 2) or the shared one, in lane order (version 1). */
  private drawFor(run: LaneRun, labels: ArrayLike<number>): MixingDraw | null {
    const { mixing } = run.lane.spec;
    if (mixing.kind === 'none') return null;
    return drawMixing(mixing, labels, this.data.trainCounts, this.config.blocksPerStage, run.draws ?? this.sharedDraws, this.options.mfwWeights);
  }

  private async stepRuns(runs: readonly LaneRun[]): Promise<void> {
    if (this.finished) throw new Error('LockstepRunner: the run is finished.');
    if (this.step >= this.stepsPerEpoch) throw new Error('LockstepRunner: the epoch is complete; call finishEpoch() first.');
    const started = performance.now();
    const { config, data, numClasses: C } = this;
    if (this.step === 0) this.order = epochOrder(data.train.count, this.orderRng);
    const indices = this.order.subarray(this.step * config.batchSize, Math.min(data.train.count, (this.step + 1) * config.batchSize));
    const batch = makeTrainBatch(data.train, indices, this.augmentationRng);
    const B = indices.length;
    const anchorOneHot = new Float32Array(B * C);
    batch.y.forEach((y, n) => {
      anchorOneHot[n * C + y] = 1;
      this.samplesPerClass[y]++;
    });
    const learningRate = this.learningRate;

    // Every lane's host-side inputs first (draws in lane order), then the device work.
    const prepared = runs.map((run) => {
      const draw = this.drawFor(run, batch.y);
      const classWeights = classWeightsAt(run.lane.spec.reweight, data.trainCounts, this.epoch, config.epochs);
      const targets = lossTargets(batch.y, C, classWeights, draw);
      let offsets: Float32Array | null = null;
      if (run.offsetRows) {
        const rows = run.offsetRows;
        offsets = new Float32Array(B * C);
        batch.y.forEach((y, n) => offsets!.set(rows[y], n * C));
      }
      if (draw) {
        batch.y.forEach((y, n) => (run.partnerShareSums[y] += draw.partnerWeight[n]));
        if (run.lane.spec.mixing.kind === 'remix') run.relabelled += draw.labelShare.filter((share) => share === 0 || share === 1).length;
      }
      return { run, draw, targets, normaliser: targets.reduce((a, b) => a + b, 0), offsets };
    });

    const losses = tf.tidy(() => {
      const x = imageTensor(batch.x);
      const oneHot = tf.tensor2d(anchorOneHot, [B, C]);
      const stepLosses = prepared.map(({ run, draw, targets, normaliser, offsets }) => {
        let mixing: MixingInputs | undefined;
        if (draw) {
          const inverse = new Int32Array(B);
          draw.permutation.forEach((partner, n) => (inverse[partner] = n));
          mixing = {
            point: draw.point,
            permutation: tf.tensor1d(draw.permutation, 'int32'),
            inversePermutation: tf.tensor1d(inverse, 'int32'),
            partnerWeight: tf.tensor1d(draw.partnerWeight),
          };
        }
        return run.trainer.trainStep({
          x,
          learningRate,
          targets: tf.tensor2d(targets, [B, C]),
          anchorOneHot: oneHot,
          normaliser,
          logitOffsets: offsets ? tf.tensor2d(offsets, [B, C]) : undefined,
          mixing,
        });
      });
      return tf.stack(stepLosses);
    });
    const epoch = this.epoch;
    const step = this.step;
    const read = losses.data().then((values) => {
      losses.dispose();
      return { values: values as Float32Array, runs, epoch, step };
    });
    const previous = this.pendingLosses;
    this.pendingLosses = read;
    this.step++;
    try {
      if (previous) await this.consumeLosses(previous);
    } finally {
      this.trainSeconds += (performance.now() - started) / 1000;
    }
  }

  private async consumeLosses(pending: NonNullable<LockstepRunner['pendingLosses']>): Promise<void> {
    const { values, runs, epoch, step } = await pending;
    this.readBackBytes += values.byteLength;
    runs.forEach((run, i) => {
      const loss = values[i];
      if (!Number.isFinite(loss)) throw new NonFiniteLossError(run.lane.label, epoch, step, loss);
      run.lossSum += loss;
      run.stepLosses.push(loss);
    });
  }

  /** Waits for the outstanding loss read (so all losses so far are checked). */
  private async flush(): Promise<void> {
    const pending = this.pendingLosses;
    this.pendingLosses = null;
    if (pending) await this.consumeLosses(pending);
  }

  /** Evaluates the given lanes (finishEpoch's work, minus the epoch bookkeeping), one read-back in all. */
  private async evaluateRuns(runs: readonly LaneRun[]): Promise<RunSnapshot[]> {
    const { data, config } = this;
    const C = this.numClasses;
    const evaluated = runs.map((run): EvaluatedLane => {
      const { spec } = run.lane;
      const mixing = spec.mixing.kind !== 'none';
      return {
        trainer: run.trainer,
        cosineScale: spec.head === 'cosine' ? headOptionsFor(spec).logitScale : null,
        trainLoss: run.lossSum / this.stepsPerEpoch,
        // In force at the epoch's end (this.epoch is still the epoch just trained).
        classWeights: classWeightsAt(spec.reweight, data.trainCounts, Math.min(this.epoch, config.epochs - 1), config.epochs) ?? new Array<number>(C).fill(1),
        relabelledFraction: spec.mixing.kind === 'remix' ? run.relabelled / Math.max(1, this.samplesPerClass.reduce((a, b) => a + b, 0)) : null,
        meanPartnerShare: mixing ? run.partnerShareSums.map((sum, c) => sum / Math.max(1, this.samplesPerClass[c])) : null,
      };
    });
    const { runs: reports, readBackBytes } = await evaluateLanes(evaluated, {
      train: data.train,
      test: data.test,
      numClasses: C,
      plotIndices: this.plotIndices,
      samplesPerClass: this.samplesPerClass,
      majorClasses: isMajorClass(data.trainCounts),
      deviationSeed: (this.deviationSeed + this.epoch) >>> 0,
    });
    this.readBackBytes += readBackBytes;
    return reports;
  }

  private snapshotOf(runs: readonly LaneRun[], reports: RunSnapshot[], epoch: number, learningRate: number, imagesPerSecond: number): EpochSnapshot {
    return {
      epoch,
      learningRate,
      imagesPerSecond,
      trainFeatureLabels: this.plotLabels.slice(),
      testLabels: this.data.test.labels.slice(),
      runs: Object.fromEntries(runs.map((run, i) => [run.lane.id, reports[i]])),
    };
  }

  /**
   * For measuring one lane on its own (scripts/bench.ts): evaluates it exactly as finishEpoch does
   * after waiting for the outstanding loss read, without ending the epoch. The read counts in
   * epochReadBackBytes.
   */
  async evaluateLane(laneId: string): Promise<RunSnapshot> {
    await this.flush();
    return (await this.evaluateRuns([this.run(laneId)]))[0];
  }

  /**
   * Ends the epoch: evaluates every lane on the training and test sets (no augmentation, no mixing,
   * running BN statistics), reads everything back in one transfer and computes the metrics on the CPU.
   */
  async finishEpoch(): Promise<EpochSnapshot> {
    if (this.step < this.stepsPerEpoch) throw new Error(`LockstepRunner: the epoch has ${this.stepsPerEpoch - this.step} steps left.`);
    const flushStarted = performance.now();
    await this.flush();
    this.trainSeconds += (performance.now() - flushStarted) / 1000;
    const learningRate = learningRateAt({ ...this.config, stepsPerEpoch: this.stepsPerEpoch }, (this.epoch + 1) * this.stepsPerEpoch - 1);
    const reports = await this.evaluateRuns(this.runs);
    const snapshot = this.snapshotOf(this.runs, reports, this.epoch + 1, learningRate, this.data.train.count / Math.max(1e-9, this.trainSeconds));

    this.lastEpochLosses = Object.fromEntries(this.runs.map((run) => [run.lane.id, run.stepLosses]));
    this.lastEpochReadBackBytes = this.readBackBytes;
    this.readBackBytes = 0;
    for (const run of this.runs) {
      run.stepLosses = [];
      run.lossSum = 0;
      run.partnerShareSums.fill(0);
      run.relabelled = 0;
      run.trainer.resetGradientNorms();
    }
    this.samplesPerClass.fill(0);
    this.trainSeconds = 0;
    this.epoch++;
    this.step = 0;
    return snapshot;
  }

  /** A copy of everything needed to continue exactly (waits for the outstanding loss read). */
  async saveState(): Promise<LockstepState> {
    await this.flush();
    const saved = await Promise.all(
      this.runs.map(async (run): Promise<LaneState> => {
        const { trainer } = run;
        const [variables, momentum, norms] = await Promise.all([
          Promise.all(trainer.model.variables.map(async (v) => copyBuffer(await v.data()))),
          trainer.sgd.momentumValues().then((buffers) => buffers.map(copyBuffer)),
          trainer.gradientNormSums.data(),
        ]);
        return {
          variables,
          momentum,
          gradientNormSums: Array.from(norms),
          lossSum: run.lossSum,
          partnerShareSums: [...run.partnerShareSums],
          relabelled: run.relabelled,
          draws: run.draws?.getState() ?? null,
        };
      }),
    );
    return {
      version: LOCKSTEP_STATE_VERSION,
      shape: this.stateShape(),
      epoch: this.epoch,
      step: this.step,
      order: this.order.slice().buffer,
      rng: { order: this.orderRng.getState(), augmentation: this.augmentationRng.getState(), sharedDraws: this.sharedDraws.getState() },
      runs: Object.fromEntries(this.runs.map((run, i) => [run.lane.id, saved[i]])),
      gradientCounts: [...this.samplesPerClass],
      trainSeconds: this.trainSeconds,
    };
  }

  /** One lane's weights and BN statistics, for download as `binName` beside its model.json (weightsExport.ts). */
  exportWeights(laneId: string, binName = `${fileSafeLaneId(laneId)}.weights.bin`): Promise<WeightsExport> {
    return exportLaneWeights(this.run(laneId).trainer.model, laneId, binName, this.config, this.data.classIds, this.epoch, this.step);
  }

  /**
   * The current weights evaluated as a snapshot of the completed epochs, without training (weights
   * just loaded): finishEpoch's report, but the training losses and the feature-gradient norms are
   * measured only by training steps, so they are NaN here, and the speed is 0.
   */
  async evaluate(): Promise<EpochSnapshot> {
    if (this.step !== 0) throw new Error('LockstepRunner.evaluate: the epoch is under way; finish it first.');
    await this.flush();
    const reports = (await this.evaluateRuns(this.runs)).map((run) => ({
      ...run,
      trainLoss: Number.NaN,
      featureGradientNorm: run.featureGradientNorm.map(() => Number.NaN),
      gradientNormRatio: Number.NaN,
      relabelledFraction: run.relabelledFraction === null ? null : Number.NaN,
      meanPartnerShare: run.meanPartnerShare?.map(() => Number.NaN) ?? null,
    }));
    const learningRate = this.epoch === 0 ? this.learningRate : learningRateAt({ ...this.config, stepsPerEpoch: this.stepsPerEpoch }, this.epoch * this.stepsPerEpoch - 1);
    return this.snapshotOf(this.runs, reports, this.epoch, learningRate, 0);
  }

  dispose(): void {
    for (const run of this.runs) run.trainer.dispose();
  }
}
