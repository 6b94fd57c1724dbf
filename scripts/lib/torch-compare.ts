/**
 * `npm run bench -- --compare-torch`: times the same ResNet training step in PyTorch on the CPU
 * (scripts/torch-step.py) with the same network, batch and thread count, for the ratio the wasm
 * backend is measured against. Uses the first of `python3`, `/usr/bin/python3` that imports torch
 * (Debian's python3-torch lives under /usr/bin, which a pyenv `python3` on PATH may hide).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PYTHONS = ['python3', '/usr/bin/python3'];
const STEP_SCRIPT = fileURLToPath(new URL('../torch-step.py', import.meta.url));

export interface TorchStep {
  python: string;
  torch: string;
  threads: number;
  batch: number;
  secondsPerStep: number;
  imagesPerSecond: number;
}

export interface TorchStepRequest {
  blocks: number;
  width: number;
  batch: number;
  threads: number;
  steps: number;
}

function pythonWithTorch(): string | null {
  return PYTHONS.find((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;
}

/** The PyTorch step's timing, or why there is none (no python3 with torch, or the script failed). */
export function timeTorchStep(request: TorchStepRequest): TorchStep | string {
  const python = pythonWithTorch();
  if (!python) return `no Python with torch (tried ${PYTHONS.join(', ')}; on Debian: apt-get install python3-torch)`;
  const args = [STEP_SCRIPT, ...Object.entries(request).flatMap(([key, value]) => [`--${key}`, String(value)])];
  const run = spawnSync(python, args, { encoding: 'utf8' });
  const line = run.stdout?.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !line.startsWith('{')) return `${python} ${STEP_SCRIPT} failed: ${(run.stderr || run.error?.message || 'no output').trim().split('\n').at(-1)}`;
  return { python, ...(JSON.parse(line) as Omit<TorchStep, 'python'>) };
}
