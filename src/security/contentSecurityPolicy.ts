/**
 * The Content-Security-Policy of the built page. It is written into dist/index.html as a
 * <meta http-equiv> (vite.config.ts), so it holds on any static host, and a host that can set
 * headers may send the same text as a `Content-Security-Policy` header (e2e/static-server.ts
 * does), which then covers the workers' scripts too. The page talks to no one but its own origin:
 * everything it loads is its own bundle and its own data folder.
 */
export const CSP_DIRECTIVES: readonly { directive: string; purpose: string }[] = [
  { directive: "default-src 'none'", purpose: 'anything not allowed below is refused: frames, fonts, media, plugins, manifests, other hosts' },
  {
    directive: "script-src 'self' 'wasm-unsafe-eval' blob:",
    purpose:
      "only the app's own bundled modules run: no inline script, no eval, no other host; WebAssembly (the tfjs wasm backend) may compile, " +
      'and its threads load their script from a blob: URL that only the app’s own code can make',
  },
  { directive: "worker-src 'self' blob:", purpose: "the training and archive-import workers, from the app's own files; the wasm backend's threads (blob: URLs it makes)" },
  { directive: "style-src 'self'", purpose: "the app's stylesheet only (React and d3 set styles through the CSSOM, which this allows)" },
  { directive: "img-src 'self' data: blob:", purpose: 'the favicon, and images the page makes itself (chart exports drawn from data: and blob: URLs)' },
  { directive: "connect-src 'self'", purpose: "fetches go to the app's own origin only: the data manifest, the CIFAR-10 chunks, the wasm binaries" },
  { directive: "base-uri 'none'", purpose: 'an injected <base> element cannot redirect the relative asset paths' },
  { directive: "form-action 'none'", purpose: 'no form submits anywhere (the settings form is handled in script)' },
];

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map((d) => d.directive).join('; ');
