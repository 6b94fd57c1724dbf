/**
 * `npm start`: prepare the CIFAR-10 assets when they are missing (from CIFAR10_TAR, or by download),
 * then serve the app with Vite and print its local URL. Without data the app still starts and
 * explains, on the page, how to add the archive.
 */
import { spawn } from 'node:child_process';
import { ensureData } from './ensure-data.ts';

const status = await ensureData({ required: false });
if (status === 'missing') {
  console.warn('No prepared CIFAR-10 data: the page will explain how to add it (npm run data, or drop the archive onto the page).');
}

const vite = spawn('npx', ['vite', '--host', '127.0.0.1', '--port', process.env.PORT ?? '5173'], { stdio: 'inherit' });
vite.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => vite.kill(signal));
