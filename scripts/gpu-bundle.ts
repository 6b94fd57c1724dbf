/**
 * Writes gpu-bench/: everything needed to run the engine's WebGPU bench on a Linux x86-64 machine
 * with a GPU that has neither Node.js nor a network. The bench bundled into one file (bench.mjs),
 * this Node binary and the `webgpu` package's Dawn (dawn.node), both xz-compressed, fallback copies
 * of the Vulkan loader and libstdc++, and run.sh, which unpacks them, finds the Vulkan driver and
 * prints the bench of ResNet-8 and ResNet-32 at batch 128, fused and stock, with the adapter's name.
 * `npm run bench:gpu-bundle -- --help` lists the flags.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, type CommandSpec } from './lib/cli.ts';

/** What a run.sh user may copy in a message or an upload limit allows. */
const MAX_BYTES = 64 * 1024 * 1024;
const DAWN = 'node_modules/webgpu/dist/linux-x64/dawn.node';
/** Fallbacks for machines whose own libraries are missing or too old for dawn.node. */
const FALLBACK_LIBRARIES = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/x86_64-linux-gnu/libstdc++.so.6'];

const BUNDLE_COMMAND: CommandSpec = {
  command: 'npm run bench:gpu-bundle --',
  synopsis: '[--out=DIR]',
  summary:
    'Writes a folder (under 64 MiB, git-ignored) that runs the WebGPU bench on a Linux x86-64 machine with a GPU and no Node.js or network: ' +
    'copy it there and run ./run.sh. It prints the adapter and the bench of ResNet-8 and ResNet-32 at batch 128, fused and stock (profile and timing), ' +
    'and keeps the output in results/.',
  flags: [{ name: 'out', kind: 'string', default: 'gpu-bench', valueName: 'DIR', description: 'The folder to write (replaced).' }],
  examples: ['npm run bench:gpu-bundle', 'NETWORKS=1 WIDTH=0.25 BATCH=8 STEPS=1 gpu-bench/run.sh    (a quick check here, on SwiftShader)'],
};

/** xz -9 of `source` into `target`, unless `target` was made from the same file (size and time) before. */
function compress(source: string, target: string, cacheDir: string): void {
  const { size, mtimeMs } = statSync(source);
  const stamp = JSON.stringify({ source, size, mtimeMs });
  const cached = join(cacheDir, `${target.split('/').at(-1)}`);
  if (existsSync(cached) && existsSync(`${cached}.source`) && readFileSync(`${cached}.source`, 'utf8') === stamp) {
    copyFileSync(cached, target);
    return;
  }
  process.stderr.write(`compressing ${source} (${(size / 2 ** 20).toFixed(0)} MiB; a few minutes)\n`);
  const xz = spawnSync('xz', ['-9', '-T0', '-c', source], { maxBuffer: 2 * size });
  if (xz.error || xz.status !== 0) throw new Error(`xz failed on ${source}: ${xz.error?.message ?? xz.stderr.toString()} (install xz-utils)`);
  writeFileSync(target, xz.stdout);
  mkdirSync(cacheDir, { recursive: true });
  copyFileSync(target, cached);
  writeFileSync(`${cached}.source`, stamp);
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    return sum + (entry.isDirectory() ? folderBytes(path) : statSync(path).size);
  }, 0);
}

await runCommand(BUNDLE_COMMAND, process.argv.slice(2), async ({ flags }) => {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`The bundle targets Linux x86-64 and takes this machine's node binary; this is ${process.platform} ${process.arch}.`);
  if (!existsSync(DAWN)) throw new Error(`${DAWN} is missing: run npm ci.`);
  const out = flags.out as string;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'webgpu'), { recursive: true });
  mkdirSync(join(out, 'lib'), { recursive: true });

  await build({
    entryPoints: ['scripts/bench.ts'],
    outfile: join(out, 'bench.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The profile names tfjs's programs by their class names.
    keepNames: true,
    // Loaded from node_modules/webgpu beside bench.mjs, where run.sh unpacks dawn.node.
    external: ['webgpu'],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  for (const file of ['index.js', 'package.json']) copyFileSync(join('node_modules/webgpu', file), join(out, 'webgpu', file));
  const cache = join('node_modules/.cache/gpu-bundle');
  compress(DAWN, join(out, 'dawn.node.xz'), cache);
  compress(process.execPath, join(out, 'node.xz'), cache);
  for (const library of FALLBACK_LIBRARIES) {
    if (existsSync(library)) copyFileSync(library, join(out, 'lib', library.split('/').at(-1)!));
  }
  copyFileSync('scripts/gpu-bundle/run.sh', join(out, 'run.sh'));
  chmodSync(join(out, 'run.sh'), 0o755);

  const bytes = folderBytes(out);
  if (bytes >= MAX_BYTES) throw new Error(`${out} holds ${(bytes / 2 ** 20).toFixed(1)} MiB, over the 64 MiB limit.`);
  console.log(`wrote ${out}/ (${(bytes / 2 ** 20).toFixed(1)} MiB, node ${process.version}): copy it to a Linux machine with a GPU and run ./run.sh`);
});
