/**
 * The bench's --profile section: what one training step of one run asks of the backend, the CPU
 * cost of one dispatch, and what that implies for the app's presets. Import after the backend is
 * set up (it imports tfjs and the engine).
 */
import * as tf from '@tensorflow/tfjs';
import { CLASSROOM_CONFIG, PAPER_CONFIG, trainSetSize, type ExperimentConfig } from '../../src/config/experiment.ts';
import { syntheticExperimentData } from '../../src/engine/syntheticData.ts';
import { LockstepRunner } from '../../src/engine/lockstep.ts';
import { strictConfig } from './engine-cli.ts';
import { printTable } from './table.ts';
import {
  atomicDispatches,
  filterGradientDispatches,
  heavyDispatches,
  measureDispatchCosts,
  recordStep,
  summarise,
  type DispatchCosts,
  type StepProfile,
} from './gpuProfile.ts';

export interface ProfileRequest {
  backend: string;
  fused: boolean;
  blocks: number;
  width: number;
  batch: number;
}

/** Literature's range for one dispatch's CPU cost in a browser (the issue's 30–60 µs). */
const ASSUMED_MICROSECONDS = [30, 60];

/** Records one training step of `method` alone, or of ERM beside MFW ('twin'), on throw-away lanes (nothing runs on webgpu). */
async function profileOneStep(config: ExperimentConfig, fused: boolean, method: 'erm' | 'mfw' | 'twin'): Promise<StepProfile> {
  // Just enough images for one full batch, in the preset's proportions of major and minor classes.
  const batch = config.batchSize;
  const trainCounts = [Math.ceil(batch / 2), Math.ceil(batch / 4), Math.ceil(batch / 8), Math.ceil(batch / 8)];
  const stepConfig = strictConfig({ ...config, imbalance: 'custom', trainCounts, epochs: 1, trainFeatureSample: 100, testPerClass: 10 });
  const runner = await LockstepRunner.create(syntheticExperimentData(trainCounts, 1), { ...stepConfig, methods: method === 'twin' ? ['erm', 'mfw'] : [method] }, { fused });
  try {
    return await recordStep(() => runner.trainStep(), tf.getBackend() === 'webgpu');
  } finally {
    runner.dispose();
  }
}

const thousands = (n: number) => n.toLocaleString('en-US');
const minutes = (seconds: number) => (seconds < 60 ? `${seconds.toFixed(1)} s` : `${(seconds / 60).toFixed(1)} min`);

/** CPU seconds to record one twin step's commands at the measured costs. */
function recordingSeconds(profile: StepProfile, costs: DispatchCosts): number {
  const own = profile.dispatches.filter((d) => d.own).length;
  const tfjs = profile.dispatches.length - own;
  return (tfjs * costs.tfjs.issue + own * costs.own.issue + profile.copies * costs.copy.issue) / 1e6;
}

function printDispatchTable(profile: StepProfile): void {
  const rows = summarise(profile.dispatches).map((r) => [
    String(r.dispatches),
    thousands(r.minThreads),
    thousands(r.maxThreads),
    r.maxLoop === null ? '' : thousands(r.maxLoop),
    r.name,
  ]);
  printTable([['dispatches', 'min threads', 'max threads', 'longest loop', 'kernel · program'], ...rows], { indent: '    ', leftColumns: [-1] });
}

/** Prints the profile for `request` and returns its figures (for --json). */
export async function printProfile(request: ProfileRequest): Promise<Record<string, unknown>> {
  const { backend, fused, blocks, width, batch } = request;
  const config = strictConfig({ ...CLASSROOM_CONFIG, blocksPerStage: blocks, width, batchSize: batch });
  const network = `ResNet-${6 * blocks + 2}, width ${width}, batch ${batch}`;
  const [erm, mfw, twin] = [await profileOneStep(config, fused, 'erm'), await profileOneStep(config, fused, 'mfw'), await profileOneStep(config, fused, 'twin')];

  if (backend !== 'webgpu') {
    console.log(`  One training step of ERM alone, ${network}: ${erm.kernels} tfjs kernels (MFW alone ${mfw.kernels}, the twin ${twin.kernels}).`);
    const counts = [...erm.kernelCounts.entries()].sort((a, b) => b[1] - a[1]);
    for (const [name, count] of counts) console.log(`    ${String(count).padStart(5)}  ${name}`);
    return { backend, fused: null, blocks, width, batch, kernelsPerStep: { erm: erm.kernels, mfw: mfw.kernels, twin: twin.kernels } };
  }

  const own = erm.dispatches.filter((d) => d.own).length;
  console.log(`  One training step of ERM alone, ${network}: ${erm.dispatches.length} dispatches (${erm.dispatches.length - own} tfjs programs, ${own} the engine's own), ${erm.copies} buffer copies, ${erm.kernels} tfjs kernels.`);
  console.log(`  MFW alone: ${mfw.dispatches.length} dispatches, ${mfw.copies} copies; the twin (both, as the app trains): ${twin.dispatches.length} dispatches, ${twin.copies} copies.`);
  printDispatchTable(erm);
  const filters = filterGradientDispatches(erm.dispatches);
  const fewest = Math.min(...filters.map((d) => d.threads));
  const heavy = heavyDispatches(erm.dispatches);
  const smallestHeavy = heavy.reduce((best, d) => (d.threads < best.threads ? d : best), heavy[0]);
  const atomics = atomicDispatches(twin.dispatches);
  console.log(`  Filter gradients: ${filters.length} dispatches, the smallest ${thousands(fewest)} threads${batch === 128 ? ` (target at batch 128: ≥ 4,096: ${fewest >= 4096 ? 'met' : 'NOT met'})` : ''}.`);
  if (smallestHeavy) console.log(`  Smallest heavy dispatch (threads × longest loop ≥ 2^20): ${thousands(smallestHeavy.threads)} threads × ${thousands(smallestHeavy.loop!)}, ${smallestHeavy.kernel} · ${smallestHeavy.program}.`);
  console.log(`  Float atomics (tfjs's split-K matmul) in the twin's step: ${atomics.length === 0 ? 'none' : `${atomics.length} dispatches: results will differ from run to run`}.`);

  const costs = await measureDispatchCosts();
  const cost = (c: { issue: number; completed: number }) => `${c.issue.toFixed(1)} µs to record, ${c.completed.toFixed(1)} µs until done`;
  console.log(`  CPU time per command with tiny tensors: tfjs op ${cost(costs.tfjs)}; own dispatch ${cost(costs.own)}; copy ${cost(costs.copy)}.`);

  console.log('  Dispatch time of the presets’ twin (recording commands only, CPU side; the GPU works meanwhile unless something reads back):');
  const estimates = [];
  for (const [name, preset] of [['Classroom', CLASSROOM_CONFIG], ['Paper', PAPER_CONFIG]] as const) {
    const step = await profileOneStep(preset, fused, 'twin');
    const stepsPerEpoch = Math.ceil(trainSetSize(preset) / preset.batchSize);
    const twinSteps = preset.epochs * stepsPerEpoch;
    const measured = twinSteps * recordingSeconds(step, costs);
    const [low, high] = ASSUMED_MICROSECONDS.map((us) => (twinSteps * step.dispatches.length * us) / 1e6);
    // If each of the engine's own kernels took both runs as an outer dimension, ERM and MFW would
    // share its dispatch: half of the twin's own dispatches would go.
    const shareable = step.dispatches.filter((d) => d.own).length / 2;
    const sharedSaving = (twinSteps * shareable * costs.own.issue) / 1e6;
    console.log(
      `    ${name} (ResNet-${6 * preset.blocksPerStage + 2}, ${preset.epochs} epochs × ${stepsPerEpoch} steps): ${thousands(step.dispatches.length)} dispatches + ${step.copies} copies per twin step; ` +
        `${minutes(measured)} at the costs measured here, ${minutes(low)}–${minutes(high)} at 30–60 µs per dispatch; ` +
        `ERM and MFW sharing the engine's own dispatches would save ${shareable} per twin step: ${minutes(sharedSaving)} here, ${minutes((twinSteps * shareable * 30) / 1e6)}–${minutes((twinSteps * shareable * 60) / 1e6)} at 30–60 µs.`,
    );
    estimates.push({ preset: name, twinDispatchesPerStep: step.dispatches.length, twinCopiesPerStep: step.copies, twinSteps, measuredSeconds: measured, assumedSeconds: [low, high], shareableDispatchesPerTwinStep: shareable, sharingSavesSeconds: sharedSaving });
  }
  return {
    backend,
    fused,
    blocks,
    width,
    batch,
    dispatchesPerStep: { erm: erm.dispatches.length, mfw: mfw.dispatches.length, twin: twin.dispatches.length },
    copiesPerStep: { erm: erm.copies, mfw: mfw.copies, twin: twin.copies },
    kernelsPerStep: { erm: erm.kernels, mfw: mfw.kernels, twin: twin.kernels },
    fewestFilterGradientThreads: fewest,
    smallestHeavyDispatchThreads: smallestHeavy?.threads ?? null,
    atomicDispatches: atomics.length,
    dispatchCostMicroseconds: costs,
    presets: estimates,
  };
}
