/**
 * Engine benchmark: per backend, training and evaluation throughput of the twin (ERM + MFW in
 * lockstep), kernels dispatched per step, bytes read back per epoch and tensors alive after each
 * step. Synthetic data, so it needs no prepared CIFAR-10.
 *
 *   npm run bench -- [--backends=cpu,webgpu] [--blocks=1] [--width=0.25] [--batch=8] [--steps=2]
 *   npm run bench -- --backends=webgpu --blocks=5 --width=1 --batch=128 --steps=5    (ResNet-32, the paper's)
 */
import { configFrom, parseArgs } from './lib/engine-cli.ts';
import { installNodeWebGpu } from './lib/engine-node-gpu.ts';

async function main(): Promise<void> {
  const { flags } = parseArgs(process.argv.slice(2));
  const number = (key: string, fallback: number) => Number(flags.get(key) ?? fallback);
  const blocks = number('blocks', 1);
  const width = number('width', 0.25);
  const batch = number('batch', 8);
  const steps = number('steps', 2);
  const backends = (flags.get('backends') ?? 'cpu,webgpu').split(',');

  const gpuProblem = backends.includes('webgpu') ? await installNodeWebGpu() : 'not requested';
  const tf = await import('@tensorflow/tfjs');
  const { initBackend } = await import('../src/engine/backend.ts');
  const { TwinRunner } = await import('../src/engine/twin.ts');
  const { syntheticExperimentData } = await import('../src/engine/syntheticData.ts');

  // One warm-up step (shader compilation, buffer pools) and `steps` timed steps make one epoch.
  const images = (steps + 1) * batch;
  const trainCounts = [0.4, 0.4, 0.1, 0.1].map((share) => Math.max(1, Math.round(share * images)));
  trainCounts[0] += images - trainCounts.reduce((a, b) => a + b, 0);
  const config = configFrom({ imbalance: 'custom', trainCounts, blocksPerStage: blocks, width, batchSize: batch, epochs: 1, trainFeatureSample: 100 });
  const data = syntheticExperimentData(trainCounts, 25);
  console.log(`ResNet-${6 * blocks + 2}, width ${width}, batch ${batch}; ${images} training images, ${data.test.count} test images per epoch; ERM + MFW in lockstep (mixing point ${config.mixingPoint})`);

  for (const name of backends) {
    if (name === 'webgpu' && gpuProblem) {
      console.log(`\n[webgpu] skipped: ${gpuProblem}`);
      continue;
    }
    const info = await initBackend(name as 'cpu' | 'webgpu');
    console.log(`\n[${info.name}] ${info.adapter}`);
    const twin = await TwinRunner.create(data, config);
    const profile = await tf.profile(() => twin.trainStep());
    const tensorsAfterStep: number[] = [tf.memory().numTensors];
    const started = performance.now();
    for (let s = 0; s < steps; s++) {
      await twin.trainStep();
      tensorsAfterStep.push(tf.memory().numTensors);
    }
    const snapshotStarted = performance.now();
    const trainSeconds = (snapshotStarted - started) / 1000;
    await twin.finishEpoch();
    const evalSeconds = (performance.now() - snapshotStarted) / 1000;
    const perStep = (trainSeconds / steps).toFixed(2);
    console.log(`  training:   ${((steps * batch) / trainSeconds).toFixed(2)} images/s (${perStep} s per twin step; both runs, each image counted once)`);
    console.log(`  evaluation: ${((data.train.count + data.test.count) / evalSeconds).toFixed(2)} images/s (both runs, with the CPU metrics)`);
    console.log(`  kernels per training step: ${profile.kernels.length} for the twin (≈ ${Math.round(profile.kernels.length / 2)} per run)`);
    console.log(`  bytes read back per epoch: ${twin.lastEpochReadBackBytes} (${steps + 1} loss reads of 8 bytes + one metrics read)`);
    console.log(`  tensors alive after each step: ${tensorsAfterStep.join(', ')}`);
    twin.dispose();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
