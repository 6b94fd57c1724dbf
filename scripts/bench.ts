/**
 * Engine benchmark: per backend, for every method (core/methods.ts) measured as a lane on its own,
 * and for ERM beside MFW in lockstep (as the app trains them by default): training and evaluation
 * throughput, each method's step time as a multiple of ERM's, kernels dispatched per training step,
 * bytes read back per epoch and tensors alive after each step. Each measurement uses a fresh
 * LockstepRunner with the same batches: a lane alone through `trainStep`/`evaluateLane`, the lockstep
 * pair through `trainStep`/`finishEpoch`. Synthetic data, so it needs no
 * prepared CIFAR-10. Every available backend is measured in one run and ranked side by side;
 * `--compare-torch` adds the same step in PyTorch on the CPU (the wasm backend's yardstick).
 * `--profile` instead records what one step asks of the GPU (scripts/lib/gpuProfile.ts), `--fused`
 * chooses the engine's fused kernels or the stock composition, `--json` ends with one line of JSON.
 * `npm run bench -- --help` lists the flags.
 */
import { availableParallelism } from 'node:os';
import { BLOCKS_PER_STAGE_CHOICES, FIELDS, WIDTH_CHOICES } from '../src/config/experiment.ts';
import { runCommand, UsageError, type CommandSpec } from './lib/cli.ts';
import { quietTfjsWarnings, strictConfig } from './lib/engine-cli.ts';
import { installNodeWebGpu } from './lib/engine-node-gpu.ts';
import { printTable } from './lib/table.ts';
import { timeTorchSteps, WARM_ALLOCATOR_ENV } from './lib/torch-compare.ts';
import type { BackendName } from '../src/engine/backend.ts';
import { METHOD_NAMES, METHODS } from '../src/core/methods.ts';
import { PARALLEL_BACKENDS } from '../src/core/laneSplit.ts';
import type { LockstepRunner } from '../src/engine/lockstep.ts';
import { nodeLaneWorker } from './lib/laneWorkers.ts';

const BENCH_BACKENDS: BackendName[] = ['webgpu', 'wasm', 'cpu'];
/** tfjs's wasm backend has no threads in Node, so PyTorch gets one too. */
const NODE_WASM_THREADS = 1;
/** WebAssembly SIMD is 128 bits wide, half of PyTorch's AVX2 here: about 0.5 of warm PyTorch is the ceiling, 0.4 the goal. */
const TORCH_RATIO_GOAL = 0.4;
/** Two lanes in two worker processes against both in one, on a 2-core machine (issue 16). */
const TWO_WORKER_GOAL = 1.7;

const batchRange = FIELDS.batchSize.kind === 'number' ? FIELDS.batchSize : { min: 2, max: 512 };

const BENCH_COMMAND: CommandSpec = {
  command: 'npm run bench --',
  synopsis: '[--backends=webgpu,wasm,cpu] [--methods=erm,mfw,…] [--blocks=N] [--width=W] [--batch=B] [--steps=S] [--compare-torch] [--fused=true|false|both] [--profile] [--json] [--submit-batch=N]',
  summary:
    'Measures the engine per backend on synthetic data (no CIFAR-10 needed): training and evaluation images per second, ' +
    'kernels dispatched per training step, bytes read back per epoch and tensors alive after each step, for each method as a lane ' +
    'on its own (with its step time as a multiple of ERM’s) and for ERM beside MFW in lockstep (as the app trains them). Each measurement is one epoch of fresh lanes: ' +
    'one profiled warm-up step, then the timed steps, then a timed evaluation. A last table ranks the backends side by side.',
  flags: [
    {
      name: 'backends',
      kind: 'list',
      choices: BENCH_BACKENDS,
      default: BENCH_BACKENDS,
      description: 'Backends to measure, in this order (webgpu runs through Dawn, on SwiftShader where there is no GPU; skipped with a reason where no adapter exists; wasm runs one thread in Node).',
    },
    { name: 'methods', kind: 'list', choices: [...METHOD_NAMES], default: [...METHOD_NAMES], description: 'Methods to measure, each as a lane alone (at its default parameters); ERM is always measured, as the yardstick.' },
    { name: 'blocks', kind: 'number', choices: BLOCKS_PER_STAGE_CHOICES, min: 1, max: 9, integer: true, default: 1, description: 'Blocks per stage n: ResNet-(6n+2).' },
    { name: 'width', kind: 'number', choices: WIDTH_CHOICES, min: 0.25, max: 1, integer: false, default: 0.25, description: 'Channel multiplier on 16/32/64.' },
    { name: 'batch', kind: 'number', min: batchRange.min, max: batchRange.max, integer: true, default: 8, description: 'Images per training step.' },
    { name: 'steps', kind: 'number', min: 1, max: 1000, integer: true, default: 2, description: 'Timed training steps per measurement (after one warm-up step).' },
    {
      name: 'compare-torch',
      kind: 'boolean',
      description:
        'After wasm, time the same training step (ERM: forward, cross-entropy, backward, SGD) in PyTorch on the CPU with the same network, batch and ' +
        'thread count (python3 or /usr/bin/python3 with torch), once as the script starts (cold allocator) and once with glibc keeping freed memory (warm, as a ' +
        `running training script), and print the ratio of wasm’s ERM images/s to warm PyTorch’s (goal: ≥ ${TORCH_RATIO_GOAL}).`,
    },
    { name: 'fused', kind: 'string', choices: ['true', 'false', 'both'], default: 'true', description: 'The engine’s fused kernels (webgpu; other backends have none), the stock tfjs composition (false), or both, one after the other.' },
    {
      name: 'profile',
      kind: 'boolean',
      description:
        'Instead of timing: what one training step of one run asks of the GPU (webgpu: every dispatch, per kernel and program, with its threads and longest per-thread loop; ' +
        'other backends: tfjs kernels), the CPU time per dispatch with tiny tensors, and the dispatch time it implies for the Classroom and Paper presets.',
    },
    { name: 'json', kind: 'boolean', description: 'End the output with one line holding a JSON object of every result, for comparing commits.' },
    { name: 'submit-batch', kind: 'number', min: 0, max: 100000, integer: true, default: 0, description: 'Dispatches per queue submit on webgpu (WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE); 0 keeps the engine’s choice.' },
  ],
  examples: [
    'npm run bench',
    'npm run bench -- --backends=webgpu --blocks=5 --width=1 --batch=128 --steps=5    (ResNet-32, the paper’s network)',
    'npm run bench -- --backends=cpu --blocks=1 --width=1 --batch=32',
    'npm run bench -- --backends=wasm --width=1 --batch=128 --steps=3 --compare-torch    (the CPU path against PyTorch)',
    'npm run bench -- --backends=webgpu --blocks=5 --width=1 --batch=128 --profile --fused=both    (dispatches of a ResNet-32 step, fused and stock)',
  ],
};

interface Measurement {
  label: string;
  /** A method's name, or 'lockstep' for ERM beside MFW. */
  method: string;
  trainImagesPerSecond: number;
  secondsPerStep: number;
  evalImagesPerSecond: number;
  kernelsPerStep: number;
  /** webgpu: GPU dispatches and buffer copies of the (first, warm-up) step. */
  dispatchesPerStep?: number;
  copiesPerStep?: number;
  readBackBytes: number;
  tensorsAfterStep: number[];
}

/** One entry of the --json line. */
interface JsonResult {
  backend: string;
  fused: boolean | null;
  method: string;
  blocks: number;
  width: number;
  batch: number;
  kernelsPerStep: number;
  dispatchesPerStep?: number;
  copiesPerStep?: number;
  trainImagesPerSecond: number;
  evalImagesPerSecond: number;
  tensorsAfterStep: number[];
}

await runCommand(BENCH_COMMAND, process.argv.slice(2), async ({ flags }) => {
  const blocks = flags.blocks as number;
  const width = flags.width as number;
  const batch = flags.batch as number;
  const steps = flags.steps as number;
  const backends = flags.backends as BackendName[];
  const compareTorch = flags['compare-torch'] as boolean;
  if (compareTorch && !backends.includes('wasm')) throw new UsageError('--compare-torch compares PyTorch with wasm: include wasm in --backends.');
  const fusedChoices = flags.fused === 'both' ? [true, false] : [flags.fused === 'true'];
  const submitBatch = flags['submit-batch'] as number;

  const gpuProblem = backends.includes('webgpu') ? await installNodeWebGpu() : 'not requested';
  await quietTfjsWarnings();
  const tf = await import('@tensorflow/tfjs');
  const { initBackend } = await import('../src/engine/backend.ts');
  const { LockstepRunner } = await import('../src/engine/lockstep.ts');
  const { ParallelLockstep } = await import('../src/engine/laneGroups.ts');
  const { syntheticExperimentData } = await import('../src/engine/syntheticData.ts');
  const { recordStep } = await import('./lib/gpuProfile.ts');
  const { printProfile } = await import('./lib/benchProfile.ts');

  // One warm-up step (shader compilation, buffer pools; also the profiled one) and `steps` timed
  // steps make one epoch.
  const images = (steps + 1) * batch;
  const trainCounts = [0.4, 0.4, 0.1, 0.1].map((share) => Math.max(1, Math.round(share * images)));
  trainCounts[0] += images - trainCounts.reduce((a, b) => a + b, 0);
  const config = strictConfig({ imbalance: 'custom', trainCounts, blocksPerStage: blocks, width, batchSize: batch, epochs: 1, trainFeatureSample: 100 });
  const methods = ['erm', ...(flags.methods as string[]).filter((m) => m !== 'erm')];
  const data = syntheticExperimentData(trainCounts, 25);
  const evalImages = data.train.count + data.test.count;
  const network = `ResNet-${6 * blocks + 2}, width ${width}, batch ${batch}`;
  if (!flags.profile) console.log(`${network}; ${images} training images (${steps + 1} steps: 1 warm-up, ${steps} timed), ${data.test.count} test images per epoch; mixing point ${config.mixingPoint}`);
  const json: { results: JsonResult[]; profiles: unknown[] } = { results: [], profiles: [] };

  /** One epoch of fresh lanes: recorded warm-up step, `steps` timed steps, timed evaluation. */
  async function measure(label: string, method: string, lanes: string[], fused: boolean, evaluate: (runner: LockstepRunner) => Promise<number>): Promise<Measurement> {
    const runner = await LockstepRunner.create(data, { ...config, methods: lanes }, { fused });
    const step = (runner: LockstepRunner) => runner.trainStep();
    try {
      const recorded = await recordStep(() => step(runner));
      const onWebGpu = tf.getBackend() === 'webgpu';
      const tensorsAfterStep: number[] = [tf.memory().numTensors];
      const started = performance.now();
      for (let s = 0; s < steps; s++) {
        await step(runner);
        tensorsAfterStep.push(tf.memory().numTensors);
      }
      const evalStarted = performance.now();
      const trainSeconds = (evalStarted - started) / 1000;
      const readBackBytes = await evaluate(runner);
      const evalSeconds = (performance.now() - evalStarted) / 1000;
      return {
        label,
        method,
        trainImagesPerSecond: (steps * batch) / trainSeconds,
        secondsPerStep: trainSeconds / steps,
        evalImagesPerSecond: evalImages / evalSeconds,
        kernelsPerStep: recorded.kernels,
        ...(onWebGpu ? { dispatchesPerStep: recorded.dispatches.length, copiesPerStep: recorded.copies } : {}),
        readBackBytes,
        tensorsAfterStep,
      };
    } finally {
      runner.dispose();
    }
  }

  const alone = (method: string, fused: boolean) =>
    measure(`${METHODS[method as keyof typeof METHODS].label} alone`, method, [method], fused, async (runner) => {
      await runner.evaluateLane(method);
      return runner.epochReadBackBytes;
    });

  /**
   * ERM beside MFW with each lane in its own worker process (the CPU backends): one untimed epoch warms
   * the fresh workers up (JIT, buffers) as the backend's warm-up did this process, then one warm-up
   * step and the timed steps, as `measure`. Kernels and tensors live in the workers: not counted here.
   */
  async function measureTwinInWorkers(backend: string): Promise<Measurement> {
    const twin = { ...config, methods: ['erm', 'mfw'], epochs: 2 };
    const runner = await ParallelLockstep.start(nodeLaneWorker, [['erm'], ['mfw']], backend, data, twin, null);
    try {
      while (runner.step < runner.stepsPerEpoch) await runner.trainStep();
      await runner.finishEpoch();
      await runner.trainStep();
      const started = performance.now();
      for (let s = 0; s < steps; s++) await runner.trainStep();
      const evalStarted = performance.now();
      const trainSeconds = (evalStarted - started) / 1000;
      await runner.finishEpoch();
      return {
        label: 'lockstep ERM + MFW, 2 worker processes',
        method: 'lockstep-2-workers',
        trainImagesPerSecond: (steps * batch) / trainSeconds,
        secondsPerStep: trainSeconds / steps,
        evalImagesPerSecond: evalImages / ((performance.now() - evalStarted) / 1000),
        kernelsPerStep: Number.NaN,
        readBackBytes: Number.NaN,
        tensorsAfterStep: [],
      };
    } finally {
      runner.dispose();
    }
  }

  /** One row per measured backend for the side-by-side ranking. */
  const ranking: { name: string; adapter: string; rows: Measurement[] }[] = [];
  let torchLine: string | null = null;

  for (const name of backends) {
    if (name === 'webgpu' && gpuProblem) {
      console.log(`\n[webgpu] skipped: ${gpuProblem}`);
      continue;
    }
    const info = await initBackend(name);
    if (name === 'webgpu' && submitBatch > 0) tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', submitBatch);
    const submitNote = name === 'webgpu' ? `, ${tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE')} dispatches per submit` : '';
    console.log(`\n[${info.name}] ${info.adapter}${submitNote}`);
    // Only webgpu has fused kernels in Node: elsewhere one measurement, of what the engine runs there.
    for (const fused of name === 'webgpu' ? fusedChoices : [true]) {
      const variant = name === 'webgpu' ? (fused ? 'fused' : 'stock') : null;
      if (variant && fusedChoices.length > 1) console.log(`\n  ${variant}:`);
      if (flags.profile) {
        json.profiles.push(await printProfile({ backend: name, fused, blocks, width, batch }));
        continue;
      }
      // Untimed warm-up of the backend (shaders and buffer pools for training and evaluation, JIT), so
      // the first measurement is not penalised against the others.
      // A whole epoch of lanes that use every kind of op: with one step, the first measurement (ERM,
      // the yardstick) still paid for JIT and buffer pools on wasm, and looked slower than the rest.
      const warmUp = await LockstepRunner.create(data, { ...config, methods: ['erm', 'mfw', 'ldam-drw', 'manifold-mixup'] }, { fused });
      for (let s = 0; s < warmUp.stepsPerEpoch; s++) await warmUp.trainStep();
      await warmUp.evaluateLane('erm');
      warmUp.dispose();
      const rows: Measurement[] = [];
      for (const method of methods) rows.push(await alone(method, fused));
      rows.push(
        await measure('lockstep ERM + MFW', 'lockstep', ['erm', 'mfw'], fused, async (runner) => {
          await runner.finishEpoch();
          return runner.lastEpochReadBackBytes;
        }),
      );
      if (PARALLEL_BACKENDS.includes(name)) rows.push(await measureTwinInWorkers(name));
      const onWebGpu = name === 'webgpu';
      const erm = rows[0];
      printTable([
        ['', 'train img/s', 's/step', '× ERM', 'eval img/s', 'kernels/step', ...(onWebGpu ? ['dispatches/step', 'copies/step'] : []), 'bytes read/epoch', 'tensors alive after each step'],
        ...rows.map((r) => [
          r.label,
          r.trainImagesPerSecond.toFixed(2),
          r.secondsPerStep.toFixed(3),
          (r.secondsPerStep / erm.secondsPerStep).toFixed(2),
          r.evalImagesPerSecond.toFixed(2),
          Number.isNaN(r.kernelsPerStep) ? '—' : String(r.kernelsPerStep),
          ...(onWebGpu ? [String(r.dispatchesPerStep), String(r.copiesPerStep)] : []),
          Number.isNaN(r.readBackBytes) ? '—' : String(r.readBackBytes),
          r.tensorsAfterStep.join(', ') || '—',
        ]),
      ], { leftColumns: [0, -1] });
      const mfw = rows.find((r) => r.method === 'mfw');
      const pair = rows.find((r) => r.method === 'lockstep')!;
      const inWorkers = rows.find((r) => r.method === 'lockstep-2-workers');
      if (mfw) console.log(`  MFW − ERM: ${mfw.kernelsPerStep - erm.kernelsPerStep} kernels per step (mixing); lockstep − (ERM + MFW): ${pair.kernelsPerStep - erm.kernelsPerStep - mfw.kernelsPerStep} (stacking the losses for their one read per step)`);
      console.log(`  img/s count each image once (lockstep's: both lanes on it); bytes: ${steps + 1} loss reads (4 bytes per lane) + one metrics read;`);
      console.log('  tensors: each measurement holds its own lanes only (one network alone, two in lockstep).');
      if (inWorkers) {
        const speedUp = inWorkers.trainImagesPerSecond / pair.trainImagesPerSecond;
        console.log(`  ERM + MFW in 2 worker processes / in 1 process: ${speedUp.toFixed(2)}× (goal ≥ ${TWO_WORKER_GOAL} on 2 cores: ${speedUp >= TWO_WORKER_GOAL ? 'met' : 'not met'}; this machine has ${availableParallelism()} cores)`);
      }
      if (onWebGpu) console.log('  kernels: tfjs kernels run (several dispatch nothing, and the engine’s own dispatches are not kernels); dispatches: GPU dispatches recorded.');
      for (const r of rows) {
        const { label: _label, secondsPerStep: _seconds, readBackBytes: _bytes, ...figures } = r;
        json.results.push({ backend: name, fused: variant === null ? null : fused, blocks, width, batch, ...figures });
      }
      ranking.push({ name: variant ? `${info.name} (${variant})` : info.name, adapter: info.adapter, rows });
    }

    if (name === 'wasm' && compareTorch && !flags.profile) {
      // Right after wasm, so both see the same load on a shared machine.
      const erm = ranking.at(-1)!.rows[0];
      const torch = timeTorchSteps({ blocks, width, batch, threads: NODE_WASM_THREADS, steps });
      if (typeof torch === 'string') torchLine = `PyTorch: skipped, ${torch}.`;
      else {
        const { cold, warm } = torch;
        const threads = `${warm.threads} thread${warm.threads === 1 ? '' : 's'}`;
        console.log(`\n[PyTorch ${warm.torch}, CPU, ${threads}] ${warm.python}: ERM train img/s ${cold.imagesPerSecond.toFixed(2)} with a cold allocator, ${warm.imagesPerSecond.toFixed(2)} with a warm one (${Object.entries(WARM_ALLOCATOR_ENV).map(([k, v]) => `${k}=${v}`).join(' ')})`);
        const ratio = erm.trainImagesPerSecond / warm.imagesPerSecond;
        torchLine =
          `wasm / warm PyTorch (ERM train img/s, batch ${batch}, ${threads}): ${erm.trainImagesPerSecond.toFixed(2)} / ${warm.imagesPerSecond.toFixed(2)} = ${ratio.toFixed(2)} ` +
          `(against cold PyTorch: ${(erm.trainImagesPerSecond / cold.imagesPerSecond).toFixed(2)}; goal ≥ ${TORCH_RATIO_GOAL} of warm: ${ratio >= TORCH_RATIO_GOAL ? 'met' : 'not met'})`;
      }
    }
  }

  if (ranking.length > 1) {
    console.log('\nSide by side, fastest ERM training first (train img/s; each method’s step time as a multiple of ERM’s):');
    // Every measurement any backend made; a backend without one (lane workers on a GPU) shows —.
    const labels = [...new Set(ranking.flatMap(({ rows }) => rows.map((r) => r.label)))];
    printTable([
      ['backend', ...labels.map((label) => label.replace(/ alone$/, '')), 'ERM eval img/s', 'adapter'],
      ...ranking
        .sort((a, b) => b.rows[0].trainImagesPerSecond - a.rows[0].trainImagesPerSecond)
        .map(({ name, adapter, rows }) => [
          name,
          ...labels.map((label) => {
            const r = rows.find((row) => row.label === label);
            if (!r) return '—';
            return r === rows[0] ? r.trainImagesPerSecond.toFixed(2) : `${r.trainImagesPerSecond.toFixed(2)} (${(r.secondsPerStep / rows[0].secondsPerStep).toFixed(2)}×)`;
          }),
          rows[0].evalImagesPerSecond.toFixed(2),
          adapter,
        ]),
    ], { leftColumns: [0, -1] });
  }
  if (torchLine) console.log(`\n${torchLine}`);
  if (flags.json) console.log(JSON.stringify(json));
});
