/**
 * Writes gpu-bench/: everything needed to bench and train the engine through WebGPU on a Linux x86-64
 * machine with a GPU that has neither Node.js nor a network, within 64 MiB (docs/GPU.md):
 * - node.xz and dawn.node.xz: this machine's Node binary (its symbol table stripped) and the `webgpu`
 *   package's Dawn, xz-compressed (cached under node_modules/.cache/gpu-bundle: xz -9 takes minutes);
 * - app.tar.xz: the bench, experiment, sweep and report commands, each bundled into one file by esbuild,
 *   the adapter probe, tfjs's wasm binaries, and fallback libraries: the Vulkan loader, libstdc++, and
 *   glvnd's libEGL and libGLdispatch (NVIDIA's Vulkan driver in libGLX_nvidia needs them, docs/GPU.md);
 * - data.tar.xz: the prepared CIFAR-10 of the presets' classes 0–3: every chunk of the two major
 *   classes and of the test set, and the minor classes' chunks that the presets' counts draw under
 *   the subset seeds given (--seeds), with PARTIAL.txt saying so;
 * - run.sh, which unpacks them, finds the NVIDIA Vulkan driver (several ways, in order), prints the
 *   adapter, and runs the bench, the Paper preset, or any experiment or sweep command.
 * `npm run bench:gpu-bundle -- --help` lists the flags.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PAPER_CONFIG, subsetRequestOf, TIME_PRESETS } from '../src/config/experiment.ts';
import { MANIFEST_FILE, parseManifest } from '../src/data/format.ts';
import { PARTIAL_FILE } from '../src/data/node.ts';
import { planExperiment } from '../src/data/subset.ts';
import { checkoutCommit, type GpuBundleInfo } from './lib/bundle.ts';
import { runCommand, UsageError, type CommandSpec } from './lib/cli.ts';

/** What the device machines carry (the whole working tree, this folder included) and what a message may hold. */
const MAX_BYTES = 64 * 1024 * 1024;
const DAWN = 'node_modules/webgpu/dist/linux-x64/dawn.node';
const WASM_DIR = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
/** Node has no wasm threads in tfjs: the SIMD build, and the plain one for CPUs without SIMD. */
const WASM_FILES = ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'];
const SYSTEM_LIBS = '/usr/lib/x86_64-linux-gnu';
/**
 * Fallbacks for machines whose own libraries are missing or too old, each in a folder of its own so
 * run.sh puts only what is missing on LD_LIBRARY_PATH: the Vulkan loader (Debian libvulkan1),
 * libstdc++ (dawn.node needs a recent one), glvnd's EGL dispatch (Debian libegl1, libglvnd0).
 */
const FALLBACK_LIBRARIES: Record<string, string[]> = {
  vulkan: ['libvulkan.so.1'],
  'stdc++': ['libstdc++.so.6'],
  glvnd: ['libEGL.so.1', 'libGLdispatch.so.0'],
};
const DATA_DIR = 'public/data/cifar10';
/** CIFAR-10 images are bytes of R, G, B per pixel, 32 pixels a row: deltas to the pixel before and the row above compress to ~53 % (plain xz: 68 %). */
const DATA_XZ_FILTERS = ['--delta=dist=3', '--delta=dist=96', '--lzma2=preset=9e'];

const BUNDLE_COMMAND: CommandSpec = {
  command: 'npm run bench:gpu-bundle --',
  synopsis: '[--out=DIR] [--seeds=A-B] [--fast]',
  summary:
    'Writes a folder (under 64 MiB, git-ignored) that benches and trains the engine through WebGPU on a Linux x86-64 machine with a GPU and no Node.js or network: ' +
    'copy it there and run ./run.sh (the bench of ResNet-8 and ResNet-32 at batch 128, fused and stock), ./run.sh paper (the Paper preset to a recording), ' +
    './run.sh experiment …, ./run.sh sweep … or ./run.sh report DIR (docs/GPU.md). It carries the prepared CIFAR-10 of the presets (classes 0–3, npm run data first).',
  flags: [
    { name: 'out', kind: 'string', default: 'gpu-bench', valueName: 'DIR', description: 'The folder to write (replaced).' },
    {
      name: 'seeds',
      kind: 'string',
      default: '0-9',
      valueName: 'A-B',
      description:
        'The subset seeds whose minor-class images the bundle carries (the presets’ 50 images of classes 2 and 3 are one chunk of 50 per seed and class, ~80 KB compressed); ' +
        'the major classes and the test set are carried whole.',
    },
    {
      name: 'fast',
      kind: 'boolean',
      description: 'Quick compression (xz -0), no cache and no data: a bundle for testing run.sh, not for copying to a GPU (what scripts/gpu-bundle.test.ts builds).',
    },
  ],
  examples: [
    'npm run bench:gpu-bundle',
    './gpu-bench/run.sh adapter                         (here: the ways to the NVIDIA driver, then the software adapter)',
    'NETWORKS=1 WIDTH=0.25 BATCH=8 STEPS=1 gpu-bench/run.sh    (a quick bench here, on SwiftShader)',
    'gpu-bench/run.sh experiment ep=1 n=40,40,8,8 imb=custom tpc=20 --backend=wasm',
  ],
};

function run(command: string, args: string[], options: { input?: Buffer; cwd?: string } = {}): Buffer {
  const result = spawnSync(command, args, { cwd: options.cwd, input: options.input, maxBuffer: 1 << 30 });
  if (result.error || result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed: ${result.error?.message ?? result.stderr.toString().trim()}`);
  }
  return result.stdout;
}

/** `xz options` of `source` into `target`, reusing the cached result of the same input (its stamp) unless `cacheDir` is null. */
function compress(source: string, target: string, options: string[], stamp: string, cacheDir: string | null): void {
  const cached = cacheDir && join(cacheDir, target.split('/').at(-1)!);
  const fullStamp = JSON.stringify({ stamp, options });
  if (cached && existsSync(cached) && existsSync(`${cached}.source`) && readFileSync(`${cached}.source`, 'utf8') === fullStamp) {
    copyFileSync(cached, target);
    return;
  }
  const size = statSync(source).size;
  if (cacheDir) process.stderr.write(`compressing ${source} (${(size / 2 ** 20).toFixed(0)} MiB; xz takes a few minutes)\n`);
  writeFileSync(target, run('xz', [...options, '-T0', '-c', source]));
  if (cached) {
    mkdirSync(cacheDir, { recursive: true });
    copyFileSync(target, cached);
    writeFileSync(`${cached}.source`, fullStamp);
  }
}

function fileStamp(path: string): string {
  const { size, mtimeMs } = statSync(path);
  return `${path}:${size}:${mtimeMs}`;
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    return sum + (entry.isDirectory() ? folderBytes(path) : statSync(path).size);
  }, 0);
}

/** A reproducible tar of `entries` (relative to `dir`) on stdout. */
function tarOf(dir: string, entries: string[]): Buffer {
  return run('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', dir, '-cf', '-', ...entries]);
}

function seedList(text: string): number[] {
  const seeds = text.split(',').flatMap((part) => {
    const range = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
    if (!range) throw new UsageError(`--seeds=${text}: expected whole numbers and ranges such as 0-9 or 0,3,5-7.`);
    const [from, to] = [Number(range[1]), Number(range[2] ?? range[1])];
    if (to < from || to - from > 1000) throw new UsageError(`--seeds=${text}: the range ${part} is backwards or longer than 1000 seeds.`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
  return [...new Set(seeds)];
}

/**
 * The chunk files the presets read under the given subset seeds: they share classes, counts and the
 * whole test set (they differ in the network and the epochs), so the major classes and the test set
 * are carried whole and each seed adds its minor-class chunks.
 */
function presetChunks(manifestText: string, seeds: number[]): { files: string[]; description: string } {
  const manifest = parseManifest(JSON.parse(manifestText), join(DATA_DIR, MANIFEST_FILE));
  const files = new Set<string>();
  for (const preset of Object.values(TIME_PRESETS)) {
    for (const seed of seeds) {
      // The subset request exactly as scripts/lib/engine-cli.ts's loadData makes it.
      const plan = planExperiment(manifest, subsetRequestOf({ ...preset, subsetSeed: seed }));
      for (const part of plan.parts) files.add(part.chunk.file);
    }
  }
  const classes = PAPER_CONFIG.classes.map((c) => `${c} ${manifest.classNames[c]}`).join(', ');
  const seedText = seeds.length > 3 && seeds.every((s, i) => i === 0 || s === seeds[i - 1] + 1) ? `${seeds[0]}–${seeds.at(-1)}` : seeds.join(', ');
  const description =
    `This copy of the prepared CIFAR-10 (the GPU bundle's) holds only what the presets (Quick, Classroom, Paper) read: classes ${classes} ` +
    `at training counts ${PAPER_CONFIG.trainCounts.join(', ')} with subset seeds ${seedText}, and their whole test sets. ` +
    `Other classes, larger counts of the minor classes or other subset seeds need the full data (npm run data) or a bundle built with --seeds.`;
  return { files: [...files].sort(), description };
}

await runCommand(BUNDLE_COMMAND, process.argv.slice(2), async ({ flags }) => {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`The bundle targets Linux x86-64 and takes this machine's node binary; this is ${process.platform} ${process.arch}.`);
  if (!existsSync(DAWN)) throw new Error(`${DAWN} is missing: run npm ci.`);
  for (const tool of ['xz', 'tar']) {
    if (spawnSync(tool, ['--version']).status !== 0) throw new Error(`${tool} is not installed (apt-get install xz-utils tar).`);
  }
  const out = flags.out as string;
  const fast = flags.fast as boolean;
  const seeds = seedList(flags.seeds as string);
  const manifestPath = join(DATA_DIR, MANIFEST_FILE);
  if (!fast && !existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: run npm run data first (the bundle carries the presets' images), or --fast for a bundle without data.`);
  const cache = fast ? null : 'node_modules/.cache/gpu-bundle';
  const xzOptions = fast ? ['-0'] : ['-9'];
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'gpu-bundle-'));
  let dataNote = 'no data (--fast): experiments need --synthetic';
  try {
    // The commands, each one file in one folder (the wasm backend looks for its binaries beside it, and
    // bundle.ts for experiment.mjs). Not split into shared chunks: a split-off CommonJS module (tfjs)
    // imported dynamically offers only its default export. The copies of tfjs cost little in one xz stream.
    const info: GpuBundleInfo = { commit: checkoutCommit() };
    await build({
      entryPoints: {
        bench: 'scripts/bench.ts',
        experiment: 'scripts/experiment.ts',
        sweep: 'scripts/sweep.ts',
        report: 'scripts/report.ts',
        adapter: 'scripts/gpu-bundle/adapter.ts',
        // The worker process of lanes trained in parallel on wasm (scripts/lib/laneWorkers.ts).
        'lane-group': 'scripts/lib/laneGroupProcess.ts',
      },
      outdir: join(staging, 'app'),
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // The profile names tfjs's programs by their class names.
      keepNames: true,
      // Loaded from node_modules/webgpu beside the scripts, where run.sh unpacks dawn.node.
      external: ['webgpu'],
      define: { IMBALANCE_GPU_BUNDLE: JSON.stringify(info) },
      // CommonJS inside the bundle (tfjs-backend-wasm's Emscripten code) asks for require and __dirname.
      banner: {
        js: [
          "import { createRequire as __bundleCreateRequire } from 'node:module';",
          "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
          "import { dirname as __bundleDirname } from 'node:path';",
          'const require = __bundleCreateRequire(import.meta.url);',
          'const __filename = __bundleFileURLToPath(import.meta.url);',
          'const __dirname = __bundleDirname(__filename);',
        ].join(' '),
      },
      logLevel: 'warning',
    });
    const app = join(staging, 'app');
    mkdirSync(join(app, 'node_modules/webgpu'), { recursive: true });
    for (const file of ['index.js', 'package.json']) copyFileSync(join('node_modules/webgpu', file), join(app, 'node_modules/webgpu', file));
    for (const file of WASM_FILES) copyFileSync(join(WASM_DIR, file), join(app, file));
    const missingLibraries: string[] = [];
    for (const [folder, names] of Object.entries(FALLBACK_LIBRARIES)) {
      mkdirSync(join(app, 'lib', folder), { recursive: true });
      for (const name of names) {
        const path = join(SYSTEM_LIBS, name);
        if (existsSync(path)) copyFileSync(path, join(app, 'lib', folder, name));
        else missingLibraries.push(path);
      }
    }
    if (missingLibraries.length > 0) {
      process.stderr.write(`not carried (not installed here; apt-get install libvulkan1 libegl1 libglvnd0 libstdc++6): ${missingLibraries.join(', ')}\n`);
    }
    writeFileSync(join(out, 'app.tar.xz'), run('xz', [...xzOptions, '-T0', '-c'], { input: tarOf(app, readdirSync(app)) }));

    // Node without its symbol table (its dynamic symbols, which dawn.node binds to, stay).
    let node = process.execPath;
    if (spawnSync('strip', ['--version']).status === 0) {
      node = join(staging, 'node');
      run('strip', ['--strip-all', '-o', node, process.execPath]);
    }
    compress(node, join(out, 'node.xz'), xzOptions, `${fileStamp(process.execPath)}:${node === process.execPath ? 'unstripped' : 'stripped'}`, cache);
    compress(DAWN, join(out, 'dawn.node.xz'), xzOptions, fileStamp(DAWN), cache);

    if (!fast) {
      const manifestText = readFileSync(manifestPath, 'utf8');
      const { files, description } = presetChunks(manifestText, seeds);
      const data = join(staging, 'data');
      const target = join(data, 'data/cifar10');
      for (const file of files) {
        mkdirSync(dirname(join(target, file)), { recursive: true });
        copyFileSync(join(DATA_DIR, file), join(target, file));
      }
      writeFileSync(join(target, MANIFEST_FILE), manifestText);
      writeFileSync(join(target, PARTIAL_FILE), `${description}\n`);
      writeFileSync(join(staging, 'data.tar'), tarOf(data, ['data']));
      const stamp = createHash('sha256').update(readFileSync(join(staging, 'data.tar'))).digest('hex');
      compress(join(staging, 'data.tar'), join(out, 'data.tar.xz'), DATA_XZ_FILTERS, stamp, cache);
      const rawBytes = files.reduce((sum, file) => sum + statSync(join(DATA_DIR, file)).size, 0);
      dataNote = `data: ${files.length} chunks of classes ${PAPER_CONFIG.classes.join(', ')} (${(rawBytes / 2 ** 20).toFixed(1)} MiB, ${(statSync(join(out, 'data.tar.xz')).size / 2 ** 20).toFixed(1)} MiB compressed), subset seeds ${flags.seeds as string}`;
    }

    copyFileSync('scripts/gpu-bundle/run.sh', join(out, 'run.sh'));
    chmodSync(join(out, 'run.sh'), 0o755);
    // run.sh unpacks into a folder named by the contents, so a changed bundle never reuses an old unpacking.
    const id = createHash('sha256');
    for (const file of ['node.xz', 'dawn.node.xz', 'app.tar.xz', 'data.tar.xz']) if (existsSync(join(out, file))) id.update(readFileSync(join(out, file)));
    writeFileSync(join(out, 'bundle-id'), `${id.digest('hex').slice(0, 16)} ${info.commit ?? 'unknown-commit'} node-${process.version}\n`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }

  const bytes = folderBytes(out);
  const sizes = readdirSync(out).map((file) => `${file} ${(statSync(join(out, file)).size / 2 ** 20).toFixed(1)}`).join(', ');
  if (bytes >= MAX_BYTES) throw new Error(`${out} holds ${(bytes / 2 ** 20).toFixed(1)} MiB (${sizes}), over the 64 MiB limit.`);
  console.log(`wrote ${out}/ (${(bytes / 2 ** 20).toFixed(1)} MiB: ${sizes} MiB; node ${process.version}; ${dataNote})`);
  console.log('copy it to a Linux x86-64 machine with a GPU and run ./run.sh (docs/GPU.md)');
});
