/** Which backend trains, on what adapter, and why it was chosen. */
import { useAppStore } from '../../state/store.ts';

const DISPLAY_NAME: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', cpu: 'CPU', wasm: 'WASM' };

export function BackendBadge() {
  const backend = useAppStore((s) => s.backend);
  const lastError = useAppStore((s) => s.lastError);
  if (lastError?.kind === 'backend') {
    return (
      <span className="badge badge-error" data-testid="backend-badge" title={lastError.message}>
        No usable GPU backend
      </span>
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
  return (
    <span className={`badge badge-${backend.name}`} data-testid="backend-badge" data-backend={backend.name} title={backend.reason}>
      <strong>{name}</strong>
      {backend.adapter ? ` — ${backend.adapter}` : ''}
      {backend.reason ? <span className="badge-reason"> · {backend.reason}</span> : null}
    </span>
  );
}
