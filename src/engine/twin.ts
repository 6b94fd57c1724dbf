/**
 * ERM and MFW trained in lockstep as a controlled comparison: both start from the same initial
 * weights and every step both see the same batch with the same augmentation (built once here and
 * fed to both); the only difference is MFW's feature mixing.
 *
 * Read-back discipline (never dataSync/arraySync): each step issues an asynchronous read of its two
 * losses (8 bytes) and then awaits the previous step's read. That keeps at most about two steps in
 * the GPU queue, so the page's memory and latency stay bounded, and a NaN/Inf loss is noticed one
 * step late. Everything else (features, classifier, gradient norms) is read once per epoch, in a
 * single transfer, by `finishEpoch`.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../config/experiment.ts';
import { epochOrder, makeEvalBatch, makeTrainBatch } from '../data/batches.ts';
import { IMAGE_CHANNELS, IMAGE_SIZE, type ExperimentData, type LabeledImages } from '../data/types.ts';
import { Rng } from '../util/rng.ts';
import { drwClassWeights } from './losses.ts';
import { classifierFromFlat, classStatistics, featureDeviation, predict, waterFillSample } from '../core/metrics.ts';
import { mfwWeights } from '../core/mfwWeights.ts';
import { FEATURE_DIM, initialValues, ResNet, variableSpecs, type ResNetSpec } from './resnet.ts';
import { WEIGHTS_FORMAT, WEIGHTS_VERSION, type WeightsModelJson } from '../core/weightsFile.ts';
import { drwStartEpoch, learningRateAt } from '../core/schedule.ts';
import { createSgd } from './sgd.ts';
import { METHODS, type EpochSnapshot, type Method, type RunSnapshot } from '../core/snapshot.ts';
import { Trainer } from './trainer.ts';

/** Images per evaluation forward pass. */
const EVAL_BATCH_SIZE = 256;
/** Subsampling rounds R of the feature deviation (§5.4). */
const DEVIATION_ROUNDS = 1000;

export class NonFiniteLossError extends Error {
  constructor(
    readonly method: Method,
    readonly epoch: number,
    readonly step: number,
    readonly loss: number,
  ) {
    super(`The ${method.toUpperCase()} loss became ${loss} at epoch ${epoch + 1}, step ${step + 1}; try a smaller learning rate.`);
    this.name = 'NonFiniteLossError';
  }
}

type RngSnapshot = ReturnType<Rng['getState']>;

/** Everything needed to continue a run exactly: plain data and ArrayBuffers (structured-clonable). */
export interface TwinState {
  version: 1;
  /** Checked on restore against the configuration and data. */
  shape: { blocksPerStage: number; width: number; numClasses: number; trainSize: number; batchSize: number };
  epoch: number;
  step: number;
  /** The current epoch's permutation of the training set (Int32Array buffer). */
  order: ArrayBuffer;
  rng: { order: RngSnapshot; augmentation: RngSnapshot; mixing: RngSnapshot };
  runs: Record<Method, {
    /** Every network variable (weights and BN running statistics), float32, `variableSpecs` order. */
    variables: ArrayBuffer[];
    /** SGD momentum buffers, float32, one per learned variable. */
    momentum: ArrayBuffer[];
    gradientNormSums: number[];
    lossSum: number;
  }>;
  gradientCounts: number[];
  trainSeconds: number;
}

/** Trained weights: model.json (weightsFile.ts, docs/WEIGHTS.md) and the bytes of its weights file. */
export interface WeightsExport {
  modelJson: WeightsModelJson;
  weightData: ArrayBuffer;
}

/** Optional overrides, for tests and experiments. */
export interface TwinOptions {
  /** s(N_c) per class instead of the configuration's weight function (e.g. all 0: MFW ≡ ERM). */
  mixingWeights?: number[];
  /**
   * The engine's fused kernels where the backend has them (webgpu: batch norm, filter gradient,
   * head and loss, SGD; webgl: the filter gradient); false runs the stock tfjs composition, for
   * comparison. Default true.
   */
  fused?: boolean;
}

/** Independent streams, derived from the seed the same way on create and restore. */
function engineStreams(seed: number) {
  // Salted so the engine's streams differ from the data module's subset sampling with the same seed.
  const root = new Rng((seed ^ 0x6a09e667) >>> 0);
  return {
    init: root.fork(),
    order: root.fork(),
    augmentation: root.fork(),
    mixing: root.fork(),
    plotSample: root.fork(),
    deviationSeed: root.nextUint32(),
  };
}

/** Normalised NHWC images from the data module as a [B, 32, 32, 3] tensor. */
function imageTensor(x: Float32Array): tf.Tensor4D {
  return tf.tensor4d(x, [x.length / (IMAGE_SIZE * IMAGE_SIZE * IMAGE_CHANNELS), IMAGE_SIZE, IMAGE_SIZE, IMAGE_CHANNELS]);
}

function copyBuffer(values: ArrayLike<number>): ArrayBuffer {
  return Float32Array.from(values).buffer;
}

export class TwinRunner {
  readonly stepsPerEpoch: number;
  /** Completed epochs. */
  epoch: number;
  /** Steps done in the current epoch. */
  step: number;
  /** Per-step losses of the most recently finished epoch (read one step late; see the file comment). */
  lastEpochLosses: Record<Method, number[]> = { erm: [], mfw: [] };
  /** Bytes read back from the device during the most recently finished epoch. */
  lastEpochReadBackBytes = 0;

  private readonly numClasses: number;
  private readonly runs: Record<Method, Trainer>;
  private readonly orderRng: Rng;
  private readonly augmentationRng: Rng;
  private readonly mixingRng: Rng;
  private readonly deviationSeed: number;
  private readonly mixingWeights: number[];
  private readonly drwWeights: number[];
  private readonly drwWeightTensor: tf.Tensor1D;
  /** Training-set indices of the plotted training sample, in the order of a snapshot's `trainFeatures`. */
  readonly plotIndices: Int32Array;
  private readonly plotLabels: Uint8Array;
  private order: Int32Array;
  private lossSums: Record<Method, number>;
  private stepLosses: Record<Method, number[]> = { erm: [], mfw: [] };
  private gradientCounts: number[];
  private trainSeconds: number;
  private readBackBytes = 0;
  private pendingLosses: Promise<{ values: Float32Array; methods: readonly Method[]; epoch: number; step: number }> | null = null;

  private constructor(
    private readonly data: ExperimentData,
    private readonly config: ExperimentConfig,
    state: TwinState | null,
    options: TwinOptions,
  ) {
    const numClasses = data.trainCounts.length;
    const trainSize = data.train.count;
    if (trainSize === 0) throw new Error('TwinRunner: the training set is empty.');
    this.numClasses = numClasses;
    this.stepsPerEpoch = Math.ceil(trainSize / config.batchSize);
    const spec: ResNetSpec = { blocksPerStage: config.blocksPerStage, width: config.width, numClasses };
    const groups = 1 + 3 * spec.blocksPerStage;
    if (config.mixingPoint < 1 || config.mixingPoint > groups) {
      throw new Error(`TwinRunner: mixing point must be between 1 and ${groups} (got ${config.mixingPoint}).`);
    }
    const streams = engineStreams(config.seed);
    const fused = options.fused ?? true;
    this.orderRng = streams.order;
    this.augmentationRng = streams.augmentation;
    this.mixingRng = streams.mixing;
    this.deviationSeed = streams.deviationSeed;
    this.mixingWeights = options.mixingWeights ?? mfwWeights(data.trainCounts, config.weightMode, config.beta);
    this.drwWeights = drwClassWeights(data.trainCounts);
    this.drwWeightTensor = tf.keep(tf.tensor1d(this.drwWeights));
    this.plotIndices = waterFillSample(data.train.labels, numClasses, config.trainFeatureSample, streams.plotSample);
    this.plotLabels = Uint8Array.from(this.plotIndices, (i) => data.train.labels[i]);

    if (state) {
      const expected = { blocksPerStage: config.blocksPerStage, width: config.width, numClasses, trainSize, batchSize: config.batchSize };
      if (state.version !== 1 || JSON.stringify(state.shape) !== JSON.stringify(expected)) {
        throw new Error(`TwinRunner.restore: the saved state (${JSON.stringify(state.shape)}) does not match this configuration (${JSON.stringify(expected)}).`);
      }
      this.orderRng.setState(state.rng.order);
      this.augmentationRng.setState(state.rng.augmentation);
      this.mixingRng.setState(state.rng.mixing);
      this.epoch = state.epoch;
      this.step = state.step;
      this.order = new Int32Array(state.order.slice(0));
      this.gradientCounts = [...state.gradientCounts];
      this.trainSeconds = state.trainSeconds;
      this.lossSums = { erm: state.runs.erm.lossSum, mfw: state.runs.mfw.lossSum };
      const runFromState = (method: Method) => {
        const saved = state.runs[method];
        const model = new ResNet(spec, saved.variables.map((b) => new Float32Array(b)), { fused });
        const sgd = createSgd(model.trainable, config.momentum, config.weightDecay, fused, saved.momentum.map((b) => new Float32Array(b)));
        return new Trainer(model, sgd, config.mixingPoint, saved.gradientNormSums);
      };
      this.runs = { erm: runFromState('erm'), mfw: runFromState('mfw') };
    } else {
      this.epoch = 0;
      this.step = 0;
      this.order = new Int32Array(0);
      this.gradientCounts = new Array<number>(numClasses).fill(0);
      this.trainSeconds = 0;
      this.lossSums = { erm: 0, mfw: 0 };
      // One initialisation, copied into both runs: the comparison starts from identical weights.
      const values = initialValues(spec, streams.init);
      const fresh = () => {
        const model = new ResNet(spec, values, { fused });
        return new Trainer(model, createSgd(model.trainable, config.momentum, config.weightDecay, fused), config.mixingPoint, new Array<number>(numClasses).fill(0));
      };
      this.runs = { erm: fresh(), mfw: fresh() };
    }
  }

  static async create(data: ExperimentData, config: ExperimentConfig, options: TwinOptions = {}): Promise<TwinRunner> {
    await tf.ready();
    return new TwinRunner(data, config, null, options);
  }

  static async restore(data: ExperimentData, config: ExperimentConfig, state: TwinState, options: TwinOptions = {}): Promise<TwinRunner> {
    await tf.ready();
    return new TwinRunner(data, config, state, options);
  }

  /**
   * A twin continuing from loaded weights (`variableSpecs` order, per run) after `epoch` epochs. The
   * learning-rate schedule continues there; the momentum starts at zero and the random streams
   * start again from the seed, so it is not the uninterrupted run (weights files hold neither).
   */
  static async fromWeights(data: ExperimentData, config: ExperimentConfig, weights: Record<Method, Float32Array[]>, epoch: number): Promise<TwinRunner> {
    await tf.ready();
    const numClasses = data.trainCounts.length;
    const specs = variableSpecs({ blocksPerStage: config.blocksPerStage, width: config.width, numClasses });
    const streams = engineStreams(config.seed);
    const run = (method: Method) => ({
      variables: weights[method].map((values) => copyBuffer(values)),
      momentum: specs.filter((spec) => spec.trainable).map((spec) => new Float32Array(spec.shape.reduce((a, b) => a * b, 1)).buffer),
      gradientNormSums: new Array<number>(numClasses).fill(0),
      lossSum: 0,
    });
    const state: TwinState = {
      version: 1,
      shape: { blocksPerStage: config.blocksPerStage, width: config.width, numClasses, trainSize: data.train.count, batchSize: config.batchSize },
      epoch,
      step: 0,
      order: new ArrayBuffer(0),
      rng: { order: streams.order.getState(), augmentation: streams.augmentation.getState(), mixing: streams.mixing.getState() },
      runs: { erm: run('erm'), mfw: run('mfw') },
      gradientCounts: new Array<number>(numClasses).fill(0),
      trainSeconds: 0,
    };
    return new TwinRunner(data, config, state, {});
  }

  get finished(): boolean {
    return this.epoch >= this.config.epochs;
  }

  /** The learning rate of the next step (of the last step once finished). */
  get learningRate(): number {
    const globalStep = Math.min(this.epoch * this.stepsPerEpoch + this.step, this.config.epochs * this.stepsPerEpoch - 1);
    return learningRateAt({ ...this.config, stepsPerEpoch: this.stepsPerEpoch }, globalStep);
  }

  /** Learned parameters per network (BN γ/β included). */
  get parameterCount(): number {
    return this.runs.erm.model.trainable.reduce((sum, v) => sum + v.size, 0);
  }

  /**
   * One SGD step of both runs on the same batch. Resolves once the previous step's losses are read
   * (bounding the device queue); throws NonFiniteLossError when one of them is NaN or infinite.
   */
  async trainStep(): Promise<void> {
    return this.stepRuns(METHODS);
  }

  /**
   * For measuring one method on its own (scripts/bench.ts): one SGD step of `method` alone, on the
   * batch trainStep would use next (same augmentation and mixing draws, same loss read-back). The
   * other run does not learn, so the twin leaves lockstep: use such a twin for measuring only.
   */
  async trainRunStep(method: Method): Promise<void> {
    return this.stepRuns([method]);
  }

  /** Bytes read back from the device so far in the current epoch. */
  get epochReadBackBytes(): number {
    return this.readBackBytes;
  }

  private async stepRuns(methods: readonly Method[]): Promise<void> {
    if (this.finished) throw new Error('TwinRunner: the run is finished.');
    if (this.step >= this.stepsPerEpoch) throw new Error('TwinRunner: the epoch is complete; call finishEpoch() first.');
    const started = performance.now();
    const { config, data } = this;
    if (this.step === 0) this.order = epochOrder(data.train.count, this.orderRng);
    const indices = this.order.subarray(this.step * config.batchSize, Math.min(data.train.count, (this.step + 1) * config.batchSize));
    const batch = makeTrainBatch(data.train, indices, this.augmentationRng);
    const batchSize = indices.length;

    // Algorithm 1: permute the batch, then λ_n ~ Beta(α, α) scaled by s(N_{y_n}).
    const permutation = this.mixingRng.permutation(batchSize);
    const inversePermutation = new Int32Array(batchSize);
    permutation.forEach((partner, n) => (inversePermutation[partner] = n));
    const lambda = Float32Array.from(batch.y, (y) => this.mixingWeights[y] * this.mixingRng.beta(config.alpha, config.alpha));

    const drw = config.drw && this.epoch >= drwStartEpoch(config.epochs);
    const oneHot = new Float32Array(batchSize * this.numClasses);
    let lossNormaliser = 0;
    batch.y.forEach((y, n) => {
      oneHot[n * this.numClasses + y] = 1;
      this.gradientCounts[y]++;
      lossNormaliser += drw ? this.drwWeights[y] : 1;
    });
    const learningRate = this.learningRate;

    const losses = tf.tidy(() => {
      const shared = {
        x: imageTensor(batch.x),
        oneHot: tf.tensor2d(oneHot, [batchSize, this.numClasses]),
        learningRate,
        classWeights: drw ? this.drwWeightTensor : undefined,
        lossNormaliser,
      };
      // ERM first, then MFW with the mixing inputs (uploaded only when MFW trains).
      const stepLosses = methods.map((method) =>
        this.runs[method].trainStep(
          method === 'mfw'
            ? {
                ...shared,
                mixing: {
                  permutation: tf.tensor1d(permutation, 'int32'),
                  inversePermutation: tf.tensor1d(inversePermutation, 'int32'),
                  lambda: tf.tensor1d(lambda),
                },
              }
            : shared,
        ),
      );
      return tf.stack(stepLosses);
    });
    const epoch = this.epoch;
    const step = this.step;
    const read = losses.data().then((values) => {
      losses.dispose();
      return { values: values as Float32Array, methods, epoch, step };
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

  private async consumeLosses(pending: NonNullable<TwinRunner['pendingLosses']>): Promise<void> {
    const { values, methods, epoch, step } = await pending;
    this.readBackBytes += values.byteLength;
    methods.forEach((method, i) => {
      const loss = values[i];
      if (!Number.isFinite(loss)) throw new NonFiniteLossError(method, epoch, step, loss);
      this.lossSums[method] += loss;
      this.stepLosses[method].push(loss);
    });
  }

  /** Waits for the outstanding loss read (so all losses so far are checked). */
  private async flush(): Promise<void> {
    const pending = this.pendingLosses;
    this.pendingLosses = null;
    if (pending) await this.consumeLosses(pending);
  }

  /** 2-D features of a whole image set for the given runs, in evaluation mode; tensors stay on the device. */
  private evaluateFeatures(images: LabeledImages, methods: readonly Method[]): Partial<Record<Method, tf.Tensor2D>> {
    const chunks: Partial<Record<Method, tf.Tensor2D[]>> = {};
    for (const method of methods) chunks[method] = [];
    for (let start = 0; start < images.count; start += EVAL_BATCH_SIZE) {
      const batch = makeEvalBatch(images, start, Math.min(images.count, start + EVAL_BATCH_SIZE));
      tf.tidy(() => {
        const x = imageTensor(batch.x);
        for (const method of methods) chunks[method]!.push(tf.keep(this.runs[method].features(x)));
      });
    }
    const result: Partial<Record<Method, tf.Tensor2D>> = {};
    for (const method of methods) {
      result[method] = tf.concat(chunks[method]!);
      chunks[method]!.forEach((t) => t.dispose());
    }
    return result;
  }

  /**
   * For measuring one method on its own (scripts/bench.ts): evaluates `method` exactly as
   * finishEpoch does (training and test features, one read-back, the CPU metrics) after waiting for
   * the outstanding loss read, without ending the epoch. The read counts in epochReadBackBytes.
   */
  async evaluateRun(method: Method): Promise<RunSnapshot> {
    await this.flush();
    return (await this.evaluateRuns([method]))[method]!;
  }

  /** Evaluates the given runs (finishEpoch's work, minus the epoch bookkeeping), one read-back in all. */
  private async evaluateRuns(methods: readonly Method[]): Promise<Partial<Record<Method, RunSnapshot>>> {
    const { train, test } = this.data;
    const C = this.numClasses;
    const trainFeatures = this.evaluateFeatures(train, methods);
    const testFeatures = this.evaluateFeatures(test, methods);
    const flat = tf.tidy(() =>
      tf.concat(
        methods.flatMap((method) => {
          const run = this.runs[method];
          const classifier = run.model.classifierVariables();
          return [trainFeatures[method]!, testFeatures[method]!, classifier.weight, classifier.bias, run.gradientNormSums].map((t) => tf.reshape(t, [-1]));
        }),
      ),
    );
    for (const method of methods) {
      trainFeatures[method]!.dispose();
      testFeatures[method]!.dispose();
    }
    const values = (await flat.data()) as Float32Array;
    flat.dispose();
    this.readBackBytes += values.byteLength;

    let offset = 0;
    const take = (n: number) => values.slice(offset, (offset += n));
    const runs: Partial<Record<Method, RunSnapshot>> = {};
    for (const method of methods) {
      const trainF = take(train.count * FEATURE_DIM);
      const testF = take(test.count * FEATURE_DIM);
      const classifier = classifierFromFlat(take(FEATURE_DIM * C), take(C), C);
      const normSums = take(C);
      const trainStats = classStatistics(predict(trainF, classifier), train.labels, C);
      const testStats = classStatistics(predict(testF, classifier), test.labels, C);
      const plotted = new Float32Array(this.plotIndices.length * FEATURE_DIM);
      this.plotIndices.forEach((i, j) => {
        plotted[FEATURE_DIM * j] = trainF[FEATURE_DIM * i];
        plotted[FEATURE_DIM * j + 1] = trainF[FEATURE_DIM * i + 1];
      });
      // Same subsampling draws for both runs, fixed per epoch.
      const deviationRng = new Rng((this.deviationSeed + this.epoch) >>> 0);
      runs[method] = {
        trainLoss: this.lossSums[method] / this.stepsPerEpoch,
        trainAccuracy: trainStats.accuracy,
        testAccuracy: testStats.accuracy,
        classificationRatio: trainStats.classificationRatio,
        featureGradientNorm: Array.from(normSums, (sum, c) => sum / Math.max(1, this.gradientCounts[c])),
        featureDeviation: featureDeviation(trainF, train.labels, testF, test.labels, C, deviationRng, DEVIATION_ROUNDS),
        trainFeatures: plotted,
        testFeatures: testF,
        classifier,
      };
    }
    return runs;
  }

  /**
   * Ends the epoch: evaluates both runs on the training and test sets (no augmentation, no mixing,
   * running BN statistics), reads everything back in one transfer and computes the metrics on the CPU.
   */
  async finishEpoch(): Promise<EpochSnapshot> {
    if (this.step < this.stepsPerEpoch) throw new Error(`TwinRunner: the epoch has ${this.stepsPerEpoch - this.step} steps left.`);
    const flushStarted = performance.now();
    await this.flush();
    this.trainSeconds += (performance.now() - flushStarted) / 1000;
    const learningRate = learningRateAt({ ...this.config, stepsPerEpoch: this.stepsPerEpoch }, (this.epoch + 1) * this.stepsPerEpoch - 1);

    const runs = (await this.evaluateRuns(METHODS)) as Record<Method, RunSnapshot>;
    const { train, test } = this.data;

    const snapshot: EpochSnapshot = {
      epoch: this.epoch + 1,
      learningRate,
      imagesPerSecond: train.count / Math.max(1e-9, this.trainSeconds),
      trainFeatureLabels: this.plotLabels.slice(),
      testLabels: test.labels.slice(),
      runs,
    };

    this.lastEpochLosses = this.stepLosses;
    this.lastEpochReadBackBytes = this.readBackBytes;
    this.stepLosses = { erm: [], mfw: [] };
    this.readBackBytes = 0;
    this.lossSums = { erm: 0, mfw: 0 };
    this.gradientCounts.fill(0);
    this.trainSeconds = 0;
    for (const method of METHODS) this.runs[method].resetGradientNorms();
    this.epoch++;
    this.step = 0;
    return snapshot;
  }

  /** A copy of everything needed to continue exactly (waits for the outstanding loss read). */
  async saveState(): Promise<TwinState> {
    await this.flush();
    const saveRun = async (method: Method) => {
      const run = this.runs[method];
      const [variables, momentum, norms] = await Promise.all([
        Promise.all(run.model.variables.map(async (v) => copyBuffer(await v.data()))),
        run.sgd.momentumValues().then((buffers) => buffers.map(copyBuffer)),
        run.gradientNormSums.data(),
      ]);
      return { variables, momentum, gradientNormSums: Array.from(norms), lossSum: this.lossSums[method] };
    };
    const [erm, mfw] = await Promise.all([saveRun('erm'), saveRun('mfw')]);
    const { config, data } = this;
    return {
      version: 1,
      shape: { blocksPerStage: config.blocksPerStage, width: config.width, numClasses: this.numClasses, trainSize: data.train.count, batchSize: config.batchSize },
      epoch: this.epoch,
      step: this.step,
      order: this.order.slice().buffer,
      rng: { order: this.orderRng.getState(), augmentation: this.augmentationRng.getState(), mixing: this.mixingRng.getState() },
      runs: { erm, mfw },
      gradientCounts: [...this.gradientCounts],
      trainSeconds: this.trainSeconds,
    };
  }

  /** One run's weights and BN statistics, named as in `variableSpecs`, for download as `binName` beside its model.json. */
  async exportWeights(method: Method, binName = `${method}.weights.bin`): Promise<WeightsExport> {
    const model = this.runs[method].model;
    const specs = variableSpecs(model.spec);
    const named: tf.NamedTensorMap = {};
    specs.forEach((spec, i) => (named[spec.name] = model.variables[i]));
    const { data, specs: weights } = await tf.io.encodeWeights(named);
    return {
      modelJson: {
        format: WEIGHTS_FORMAT,
        version: WEIGHTS_VERSION,
        generatedBy: `TensorFlow.js v${tf.version_core}`,
        architecture: { ...model.spec, featureDim: FEATURE_DIM, mixingPoint: this.config.mixingPoint, method, classIds: [...this.data.classIds] },
        experiment: { config: this.config, epoch: this.epoch, step: this.step },
        weightsManifest: [{ paths: [binName], weights: weights.map(({ name, shape, dtype }) => ({ name, shape, dtype: dtype as 'float32' })) }],
      },
      weightData: data,
    };
  }

  /**
   * The current weights evaluated as a snapshot of the completed epochs, without training (weights
   * just loaded): finishEpoch's report, but the training loss and the feature-gradient norms are
   * measured only by training steps, so they are NaN here, and the speed is 0.
   */
  async evaluate(): Promise<EpochSnapshot> {
    if (this.step !== 0) throw new Error('TwinRunner.evaluate: the epoch is under way; finish it first.');
    await this.flush();
    const runs = (await this.evaluateRuns(METHODS)) as Record<Method, RunSnapshot>;
    for (const method of METHODS) {
      runs[method] = { ...runs[method], trainLoss: Number.NaN, featureGradientNorm: runs[method].featureGradientNorm.map(() => Number.NaN) };
    }
    return {
      epoch: this.epoch,
      learningRate: this.epoch === 0 ? this.learningRate : learningRateAt({ ...this.config, stepsPerEpoch: this.stepsPerEpoch }, this.epoch * this.stepsPerEpoch - 1),
      imagesPerSecond: 0,
      trainFeatureLabels: this.plotLabels.slice(),
      testLabels: this.data.test.labels.slice(),
      runs,
    };
  }

  dispose(): void {
    for (const method of METHODS) this.runs[method].dispose();
    this.drwWeightTensor.dispose();
  }
}
