/**
 * A tiny static file server for the e2e suite: serves the built `dist/` folder under a sub-path
 * (default /some/sub/path/), the way a static host would, to prove the build works off the root.
 * Like a host that can set headers, it sends the page's Content-Security-Policy with every file,
 * so the workers' scripts run under the policy too (the page's <meta> covers only the document),
 * and the cross-origin isolation headers README asks of a static host (threaded wasm).
 * Usage: tsx e2e/static-server.ts [--port 4174] [--base /some/sub/path/] [--root dist]
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../scripts/lib/cross-origin-isolation.ts';
import { CONTENT_SECURITY_POLICY } from '../src/security/contentSecurityPolicy.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4174' },
    base: { type: 'string', default: '/some/sub/path/' },
    root: { type: 'string', default: 'dist' },
  },
});
const root = resolve(values.root);
const base = values.base.endsWith('/') ? values.base : `${values.base}/`;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
};

const server = createServer(async (request, response) => {
  for (const [name, value] of Object.entries(CROSS_ORIGIN_ISOLATION_HEADERS)) response.setHeader(name, value);
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname === base.slice(0, -1)) {
    response.writeHead(301, { location: base }).end();
    return;
  }
  if (!url.pathname.startsWith(base)) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end(`Not under ${base}`);
    return;
  }
  const relative = decodeURIComponent(url.pathname.slice(base.length)) || 'index.html';
  const file = normalize(join(root, relative));
  if (file !== root && !file.startsWith(root + sep)) {
    response.writeHead(403).end();
    return;
  }
  try {
    const info = await stat(file);
    const path = info.isDirectory() ? join(file, 'index.html') : file;
    const size = info.isDirectory() ? (await stat(path)).size : info.size;
    response.writeHead(200, {
      'content-type': MIME[extname(path)] ?? 'application/octet-stream',
      'content-length': size,
      'content-security-policy': CONTENT_SECURITY_POLICY,
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(path).pipe(response);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  }
});

server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(`Serving ${root} at http://127.0.0.1:${values.port}${base}`);
});
