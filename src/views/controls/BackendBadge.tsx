/**
 * Which backend trains: a short badge (name, and whether the "GPU" is a software emulation) that
 * opens the details on demand: the adapter and why this backend was chosen.
 */
import { useAppStore } from '../../state/store.ts';

const DISPLAY_NAME: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', cpu: 'CPU', wasm: 'CPU (WebAssembly)' };

/** GPU emulations on the CPU (SwiftShader, llvmpipe/lavapipe, WARP) and WebGPU's fallback adapters. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software|fallback|basic render/i;

export function BackendBadge() {
  const backend = useAppStore((s) => s.backend);
  const lastError = useAppStore((s) => s.lastError);
  if (lastError?.kind === 'backend') {
    return (
      <details className="backend" data-testid="backend-badge">
        <summary className="badge badge-error">No usable backend</summary>
        <div className="backend-details" role="note">
          {lastError.message}
        </div>
      </details>
    );
  }
  if (!backend) {
    return (
      <span className="badge" data-testid="backend-badge">
        Backend: starting…
      </span>
    );
  }
  const name = DISPLAY_NAME[backend.name] ?? backend.name;
  const software = (backend.name === 'webgpu' || backend.name === 'webgl') && SOFTWARE_ADAPTER.test(backend.adapter);
  return (
    <details className="backend" data-testid="backend-badge" data-backend={backend.name}>
      <summary className={`badge badge-${backend.name}${software ? ' badge-software' : ''}`} title="Which backend trains, and why">
        <strong>{name}</strong>
        {software ? ' · software, slow' : ''}
      </summary>
      <dl className="backend-details" data-testid="backend-details">
        <dt>Runs on</dt>
        <dd>{backend.adapter || 'unknown adapter'}</dd>
        <dt>Why</dt>
        <dd>{backend.reason}</dd>
        {backend.parallelLanes > 1 ? (
          <>
            <dt>Lanes</dt>
            <dd data-testid="parallel-lanes">
              In parallel: each lane trains in a worker of its own, up to {backend.parallelLanes} at once (one per core); more lanes share them. The numbers are the same as
              one after another.
            </dd>
          </>
        ) : null}
        {software ? (
          <>
            <dt>Speed</dt>
            <dd>This is the processor imitating a GPU: training is many times slower than on a real one. Hardware acceleration may be off in the browser’s settings.</dd>
          </>
        ) : null}
      </dl>
    </details>
  );
}
