/**
 * Shared pieces of the engine's Node scripts (experiment, bench): key=value / JSON-file
 * configuration, the Node backend, and loading the data (prepared CIFAR-10 or synthetic).
 * Nothing here imports tfjs, so WebGPU globals can be installed before the engine is loaded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { DEFAULT_CONFIG, validateConfig, type ExperimentConfig } from '../../src/config/experiment.ts';
import type { ExperimentData } from '../../src/data/types.ts';
import { installNodeWebGpu } from './engine-node-gpu.ts';

export type NodeBackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface ParsedArgs {
  /** key=value pairs and JSON files, merged in order. */
  settings: Record<string, unknown>;
  /** --flag and --flag=value. */
  flags: Map<string, string>;
}

function parseValue(text: string): unknown {
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^\[.*\]$/.test(text)) return JSON.parse(text);
  if (text.includes(',')) return text.split(',').map((v) => Number(v));
  const n = Number(text);
  return Number.isNaN(n) || text === '' ? text : n;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const settings: Record<string, unknown> = {};
  const flags = new Map<string, string>();
  for (const arg of argv) {
    if (arg.startsWith('--')) {
      const [key, value = 'true'] = arg.slice(2).split('=');
      flags.set(key, value);
    } else if (arg.includes('=')) {
      const [key, value] = arg.split('=');
      settings[key] = parseValue(value);
    } else if (existsSync(arg)) {
      Object.assign(settings, JSON.parse(readFileSync(arg, 'utf8')));
    } else {
      throw new Error(`Unknown argument "${arg}": use key=value, a JSON file, or --flag.`);
    }
  }
  return { settings, flags };
}

/** Settings over DEFAULT_CONFIG; invalid ones are reported and replaced by the defaults. */
export function configFrom(settings: Record<string, unknown>, base: ExperimentConfig = DEFAULT_CONFIG): ExperimentConfig {
  const { config, problems } = validateConfig(settings as Partial<Record<keyof ExperimentConfig, unknown>>, base);
  for (const problem of problems) process.stderr.write(`config: ${problem}\n`);
  return config;
}

/**
 * Makes the chosen backend current. 'auto' tries WebGPU through Dawn first, then the CPU.
 * Must run before the engine modules are imported (see engine-node-gpu.ts).
 */
export async function startNodeBackend(choice: NodeBackendChoice): Promise<{ name: string; adapter: string; reason: string }> {
  let gpuProblem: string | null = 'not requested';
  if (choice !== 'cpu') gpuProblem = await installNodeWebGpu();
  const { initBackend } = await import('../../src/engine/backend.ts');
  if (choice === 'webgpu' && gpuProblem) throw new Error(`WebGPU unavailable: ${gpuProblem}`);
  if (!gpuProblem) {
    try {
      return await initBackend('webgpu');
    } catch (error) {
      if (choice === 'webgpu') throw error;
      gpuProblem = (error as Error).message;
    }
  }
  const cpu = await initBackend('cpu');
  return choice === 'auto' ? { ...cpu, reason: `CPU, because WebGPU: ${gpuProblem}` } : cpu;
}

/** CIFAR-10 from the prepared assets, or synthetic colour classes with the same counts. */
export async function loadData(config: ExperimentConfig, synthetic: boolean, dir = 'public/data/cifar10'): Promise<ExperimentData> {
  const { syntheticExperimentData } = await import('../../src/engine/syntheticData.ts');
  if (synthetic) return syntheticExperimentData(config.trainCounts, 100, config.seed);
  if (!existsSync(`${dir}/manifest.json`)) {
    throw new Error(`No prepared CIFAR-10 in ${dir}: run \`npm run data\` first, or pass --synthetic for stand-in data.`);
  }
  const { loadExperimentDataFromDir } = await import('../../src/data/node.ts');
  return loadExperimentDataFromDir(dir, { classes: config.classes, trainCounts: config.trainCounts, seed: config.seed, testPerClass: config.testPerClass });
}
