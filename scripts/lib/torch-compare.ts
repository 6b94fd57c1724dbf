/**
 * `npm run bench -- --compare-torch`: times the same ResNet training step in PyTorch on the CPU
 * (scripts/torch-step.py) with the same network, batch and thread count, for the ratio the wasm
 * backend is measured against. Uses the first of `python3`, `/usr/bin/python3` that imports torch
 * (Debian's python3-torch lives under /usr/bin, which a pyenv `python3` on PATH may hide).
 *
 * Twice: as the script starts (cold: glibc hands every large tensor a fresh mmap, which page-faults
 * on first touch, so each step pays for its memory again) and with glibc told to keep freed memory
 * (warm: as in a training script that has run for a while, or as PyTorch's users run it). The ratio
 * is taken against the warm figure, the fair one.
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

/** glibc keeps up to 256 MiB of freed blocks instead of returning them to the system after each step. */
export const WARM_ALLOCATOR_ENV = { MALLOC_MMAP_THRESHOLD_: '268435456', MALLOC_TRIM_THRESHOLD_: '268435456', MALLOC_TOP_PAD_: '268435456' };

export interface TorchSteps {
  /** The script as it starts, the allocator cold. */
  cold: TorchStep;
  /** The allocator kept warm (WARM_ALLOCATOR_ENV): the figure the ratio is taken against. */
  warm: TorchStep;
}

function pythonWithTorch(): string | null {
  return PYTHONS.find((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;
}

/** The PyTorch step's timing with a cold and with a warm allocator, or why there is none (no python3 with torch, or the script failed). */
export function timeTorchSteps(request: TorchStepRequest): TorchSteps | string {
  const python = pythonWithTorch();
  if (!python) return `no Python with torch (tried ${PYTHONS.join(', ')}; on Debian: apt-get install python3-torch)`;
  const args = [STEP_SCRIPT, ...Object.entries(request).flatMap(([key, value]) => [`--${key}`, String(value)])];
  const time = (env: NodeJS.ProcessEnv): TorchStep | string => {
    const run = spawnSync(python, args, { encoding: 'utf8', env });
    const line = run.stdout?.trim().split('\n').at(-1) ?? '';
    if (run.status !== 0 || !line.startsWith('{')) return `${python} ${STEP_SCRIPT} failed: ${(run.stderr || run.error?.message || 'no output').trim().split('\n').at(-1)}`;
    return { python, ...(JSON.parse(line) as Omit<TorchStep, 'python'>) };
  };
  // The user's own malloc settings would blur "cold": both runs start from an environment without them.
  const plain = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MALLOC_')));
  const cold = time(plain);
  if (typeof cold === 'string') return cold;
  const warm = time({ ...plain, ...WARM_ALLOCATOR_ENV });
  if (typeof warm === 'string') return warm;
  return { cold, warm };
}
