/**
 * The GPU bundle's run.sh on this machine, which has no NVIDIA GPU: pointed at a folder of empty files
 * named as NVIDIA's libraries, it must try the ways to the Vulkan driver in order (the caller's ICD file,
 * libEGL_nvidia as the driver, libGLX_nvidia with glvnd's EGL), see each fail, say what is missing, and
 * end on the machine's software adapter (SwiftShader), marked as such; with an NVIDIA kernel module
 * present it must refuse to bench on that adapter. Its sweep's emitted lines must run the bundle's
 * experiment. A quick bundle (--fast: no data, xz -0) is built for it; the bench itself is not run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const VERSION = '550.163.01';

/** Why the bundle cannot be built here, or null. */
function cannotBuild(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `the bundle is for Linux x86-64, this is ${process.platform} ${process.arch}`;
  if (!existsSync('node_modules/webgpu/dist/linux-x64/dawn.node')) return 'the webgpu package has no Linux x86-64 Dawn (npm ci)';
  for (const tool of ['xz', 'tar']) if (spawnSync(tool, ['--version']).status !== 0) return `${tool} is not installed`;
  return null;
}

function runSh(bundle: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(join(bundle, 'run.sh'), args, { env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Each expected piece in order in `text`, starting where the previous one was found. */
function expectInOrder(text: string, pieces: (string | RegExp)[]): void {
  let from = 0;
  for (const piece of pieces) {
    const rest = text.slice(from);
    const at = typeof piece === 'string' ? rest.indexOf(piece) : (rest.match(piece)?.index ?? -1);
    if (at < 0) throw new Error(`expected ${String(piece)} after offset ${from} in:\n${text}`);
    from += at + (typeof piece === 'string' ? piece.length : rest.match(piece)![0].length);
  }
}

const reason = cannotBuild();
if (reason) console.log(`scripts/gpu-bundle.test.ts skipped: ${reason}`);

describe.skipIf(reason !== null)('the GPU bundle’s run.sh finds the Vulkan driver', () => {
  const root = mkdtempSync(join(tmpdir(), 'gpu-bundle-test-'));
  const bundle = join(root, 'bundle');
  const fake = join(root, 'fake');
  let env: Record<string, string>;

  beforeAll(() => {
    const built = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gpu-bundle.ts', '--fast', `--out=${bundle}`], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`the bundle did not build: ${built.stderr}`);
    // What a container without the graphics capability may hold, but empty: every route fails to load it.
    mkdirSync(join(fake, 'lib'), { recursive: true });
    mkdirSync(join(fake, 'share'), { recursive: true });
    for (const file of ['libEGL_nvidia.so.0', `libnvidia-eglcore.so.${VERSION}`, 'libGLX_nvidia.so.0', `libnvidia-glcore.so.${VERSION}`]) writeFileSync(join(fake, 'lib', file), '');
    writeFileSync(join(fake, 'version'), `NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  ${VERSION}  Release Build  (dvs-builder@U16)  Tue Apr  8 12:38:26 UTC 2025\n`);
    writeFileSync(join(fake, 'user_icd.json'), JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: join(fake, 'lib', 'libGLX_nvidia.so.0'), api_version: '1.3.0' } }));
    env = {
      NVIDIA_LIB_DIRS: join(fake, 'lib'),
      NVIDIA_SHARE_DIRS: join(fake, 'share'),
      NVIDIA_VERSION_FILE: join(fake, 'absent'),
      WORK_DIR: join(root, 'work'),
      RESULTS_DIR: join(root, 'results'),
    };
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('tries the routes in order, says why each failed, and ends on the software adapter', async () => {
    const { code, output } = await runSh(bundle, ['adapter'], { ...env, VK_ICD_FILENAMES: join(fake, 'user_icd.json') });
    expectInOrder(output, [
      'NVIDIA driver: none',
      `NVIDIA user-space libraries: version ${VERSION}`,
      `route 0: the Vulkan driver you chose (VK_ICD_FILENAMES=${join(fake, 'user_icd.json')}`,
      `${join(fake, 'lib', 'libGLX_nvidia.so.0')}: file too short`,
      '-> no adapter',
      'route 1: libEGL_nvidia.so.0 itself as the Vulkan driver',
      'warning: no libnvidia-glvkspirv.so.*',
      `library_path ${join(fake, 'lib', 'libEGL_nvidia.so.0')}`,
      `${join(fake, 'lib', 'libEGL_nvidia.so.0')}: file too short`,
      '-> no adapter',
      'route 2: libGLX_nvidia.so.0 with glvnd',
      `library_path ${join(fake, 'lib', 'libGLX_nvidia.so.0')}`,
      /__EGL_VENDOR_LIBRARY_FILENAMES=\S+\/10_nvidia\.json, LD_LIBRARY_PATH starts with \S+\/lib\/glvnd:/,
      `${join(fake, 'lib', 'libGLX_nvidia.so.0')}: file too short`,
      '-> no adapter',
      'route 3: NVIDIA\'s graphics libraries are here but their Vulkan driver did not start',
      'falling back to the Vulkan drivers the loader finds by itself',
    ]);
    // Without a kernel module no advice about the container's capabilities: there is no GPU to reach.
    expect(output).not.toContain('NVIDIA_DRIVER_CAPABILITIES');
    if (existsSync(SWIFTSHADER)) {
      expectInOrder(output, [
        `and to SwiftShader (${SWIFTSHADER})`,
        /route: 3 \(no NVIDIA route: SwiftShader/,
        /adapter: vendor=google architecture=swiftshader .*isFallbackAdapter=true/,
        'that is a software (fallback) adapter',
      ]);
      expect(code).toBe(0);
    } else {
      expect(output).toContain('no WebGPU adapter: no route to a Vulkan driver worked');
      expect(code).toBe(2);
    }
  });

  it('with an NVIDIA kernel module, prints its version and what is missing, and will not bench a software adapter', async () => {
    const { code, output } = await runSh(bundle, ['bench'], { ...env, NVIDIA_VERSION_FILE: join(fake, 'version') });
    expectInOrder(output, [
      `NVIDIA driver: kernel module ${VERSION}`,
      'route 0: skipped',
      'route 1:',
      'route 2:',
      'route 3:',
      `of exactly the kernel module's version (${VERSION})`,
      'NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics',
    ]);
    if (existsSync(SWIFTSHADER)) expect(output).toContain('an NVIDIA GPU is present but only a software adapter was found: stopping (ALLOW_FALLBACK=1 goes on)');
    expect(code).toBe(2);
    expect(existsSync(join(root, 'results'))).toBe(false);
  });

  it('emits sweep lines that run the bundle\'s experiment from any folder, without probing the GPU for wasm', async () => {
    const out = join(root, 'sweep');
    const tiny = ['methods=erm,mfw', 'seeds=0', 'ep=1', 'n=40,40,8,8', 'imb=custom', 'tpc=20', 'w=0.25', 'pts=100', 'bs=16', '--synthetic', '--backend=wasm'];
    const emitted = await runSh(bundle, ['sweep', ...tiny, `--out=${out}`, '--emit=commands'], env);
    expect(emitted.code).toBe(0);
    expect(emitted.output).not.toContain('route 0');
    const lines = emitted.output.split('\n').filter((line) => line.includes('run.sh experiment '));
    expect(lines).toHaveLength(1);
    const escape = (path: string) => path.replace(/[.]/g, '\\.');
    expect(lines[0]).toMatch(new RegExp(`^${escape(join(bundle, 'run.sh'))} experiment methods=erm,mfw .* --backend=wasm --synthetic --out=${escape(join(out, 'runs'))} --name=seed0 --recording --resume$`));
    // As a scheduler runs it: sh in some folder of its own.
    const cwd = join(root, 'node-cwd');
    mkdirSync(cwd);
    const ran = spawnSync('sh', ['-c', lines[0]], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(ran.status, ran.stderr).toBe(0);
    // The bundle's own worker process (lane-group.mjs) trains a lane on wasm where there are two cores.
    if (availableParallelism() >= 2) expect(ran.stderr).toContain('lanes in 2 worker processes');
    const recording = JSON.parse(readFileSync(join(out, 'runs', 'seed0.recording.json'), 'utf8')) as { provenance: { command: string; commit: string | null } };
    expect(recording.provenance.command).toMatch(new RegExp(`^${escape(join(bundle, 'run.sh'))} experiment methods=erm,mfw `));
    expect(recording.provenance.commit ?? 'unknown-commit').toBe(readFileSync(join(bundle, 'bundle-id'), 'utf8').split(' ')[1]);
  });
});
