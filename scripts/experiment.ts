/**
 * Runs one twin experiment (ERM beside MFW) headless and writes every epoch's measurements to
 * experiments/<name>.json.
 *
 *   npm run experiment -- [config.json] [key=value …] [--name=run1] [--backend=auto|webgpu|cpu] [--synthetic]
 *   e.g. npm run experiment -- blocksPerStage=1 epochs=70 seed=2 --name=resnet8-seed2
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { configFrom, loadData, parseArgs, startNodeBackend, type NodeBackendChoice } from './lib/engine-cli.ts';

function progressBar(fraction: number, text: string): void {
  const width = 30;
  const filled = Math.round(width * fraction);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}   `);
}

async function main(): Promise<void> {
  const { settings, flags } = parseArgs(process.argv.slice(2));
  const config = configFrom(settings);
  const backend = await startNodeBackend((flags.get('backend') ?? 'auto') as NodeBackendChoice);
  process.stderr.write(`backend: ${backend.name} on ${backend.adapter} (${backend.reason})\n`);
  const data = await loadData(config, flags.has('synthetic'));
  const { TwinRunner } = await import('../src/engine/twin.ts');
  const name = flags.get('name') ?? `${flags.has('synthetic') ? 'synthetic-' : ''}resnet${6 * config.blocksPerStage + 2}-seed${config.seed}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const path = `experiments/${name}.json`;
  mkdirSync('experiments', { recursive: true });

  const twin = await TwinRunner.create(data, config);
  const epochs: unknown[] = [];
  const started = performance.now();
  const save = () =>
    writeFileSync(path, JSON.stringify({ config, backend, classNames: data.classNames, trainCounts: data.trainCounts, epochs }, (_, v) =>
      ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v,
    ));
  while (!twin.finished) {
    for (let s = 0; s < twin.stepsPerEpoch; s++) {
      await twin.trainStep();
      const done = (twin.epoch * twin.stepsPerEpoch + s + 1) / (config.epochs * twin.stepsPerEpoch);
      const elapsed = (performance.now() - started) / 1000;
      progressBar(done, `epoch ${twin.epoch + 1}/${config.epochs} step ${s + 1}/${twin.stepsPerEpoch}, ETA ${Math.round((elapsed / done) * (1 - done))} s`);
    }
    const snapshot = await twin.finishEpoch();
    epochs.push(snapshot);
    save();
    const mean = (xs: number[]) => (100 * xs.reduce((a, b) => a + b, 0)) / xs.length;
    process.stderr.write(
      `\repoch ${snapshot.epoch}: test acc ERM ${mean(snapshot.runs.erm.testAccuracy).toFixed(1)} %, MFW ${mean(snapshot.runs.mfw.testAccuracy).toFixed(1)} %, ${snapshot.imagesPerSecond.toFixed(1)} images/s${' '.repeat(20)}\n`,
    );
  }
  twin.dispose();
  process.stderr.write(`wrote ${path}\n`);
}

main().catch((error) => {
  process.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
