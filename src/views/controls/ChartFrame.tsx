/**
 * A chart with PNG and SVG export buttons: the buttons compose the chart's canvases and SVGs as
 * shown on screen (the views' exportChart), so every plot exports the same way.
 */
import { useRef, useState, type ReactNode } from 'react';
import { exportChart, type ExportFormat } from '../charts/index.ts';

export interface ChartFrameProps {
  /** File name stem and data-testid suffix. */
  name: string;
  /** The epoch the chart shows, added to the file name (e.g. scatter-erm-test-epoch12.png). */
  epoch?: number | null;
  /** Accessible name of the export buttons, e.g. "ERM test features". */
  label: string;
  children: ReactNode;
}

export function ChartFrame({ name, epoch = null, label, children }: ChartFrameProps) {
  const chartRef = useRef<HTMLDivElement | null>(null);
  const [error, setError] = useState<string | null>(null);
  const save = async (format: ExportFormat) => {
    setError(null);
    if (!chartRef.current) return;
    try {
      await exportChart(chartRef.current, format, epoch === null ? name : `${name}-epoch${epoch}`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="chart-frame" data-testid={`chart-${name}`}>
      <div ref={chartRef}>{children}</div>
      <div className="chart-exports">
        <button type="button" className="small" aria-label={`Save ${label} as PNG`} data-testid={`export-png-${name}`} onClick={() => void save('png')}>
          PNG
        </button>
        <button type="button" className="small" aria-label={`Save ${label} as SVG`} data-testid={`export-svg-${name}`} onClick={() => void save('svg')}>
          SVG
        </button>
        {error ? <span className="field-error" role="alert">{error}</span> : null}
      </div>
    </div>
  );
}
