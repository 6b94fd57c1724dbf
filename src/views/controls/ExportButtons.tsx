/**
 * Downloads: the metrics of every epoch (JSON, CSV), the 2-D features of the epoch on screen with
 * labels and predictions (CSV, JSON) and the trained weights of each lane.
 */
import { useMemo, useState } from 'react';
import { CIFAR10_CLASS_NAMES, lanesOf } from '../../config/experiment.ts';
import type { Lane } from '../../core/methods.ts';
import { fileSafeLaneId } from '../../core/methods.ts';
import { metricsCsv, metricsJson } from '../../state/metricsExport.ts';
import { selectShownSnapshot, useAppStore } from '../../state/store.ts';
import { requestWeights } from '../../worker/client.ts';
import { featuresCsv, featuresJson } from '../charts/FeatureScatter/featureExport.ts';
import { downloadBlob } from '../download.ts';

export function ExportButtons() {
  const history = useAppStore((s) => s.history);
  const config = useAppStore((s) => s.config);
  const backend = useAppStore((s) => s.backend);
  const status = useAppStore((s) => s.status);
  const replaying = useAppStore((s) => s.replay !== null);
  const shown = useAppStore(selectShownSnapshot);
  const [weightsError, setWeightsError] = useState<string | null>(null);
  const classNames = config.classes.map((id) => CIFAR10_CLASS_NAMES[id]);
  const noMetrics = history.length === 0;
  const stem = `imbalance-playground-epoch${history.at(-1)?.epoch ?? 0}`;

  const lanes = useMemo(() => lanesOf(config), [config]);

  const exportWeights = async (lane: Lane) => {
    setWeightsError(null);
    try {
      for (const file of await requestWeights(lane.id)) downloadBlob(new Blob([file.data], { type: file.mimeType }), file.name);
    } catch (error) {
      setWeightsError(`Could not export the ${lane.label} weights: ${(error as Error).message}`);
    }
  };

  return (
    <section className="exports" aria-labelledby="exports-title" data-testid="exports">
      <h2 id="exports-title">Export</h2>
      <div className="button-row">
        <button
          type="button"
          disabled={noMetrics}
          data-testid="export-metrics-json"
          onClick={() => downloadBlob(new Blob([JSON.stringify(metricsJson(config, classNames, history, backend?.name ?? null), null, 1)], { type: 'application/json' }), `${stem}-metrics.json`)}
        >
          Metrics (JSON)
        </button>
        <button
          type="button"
          disabled={noMetrics}
          data-testid="export-metrics-csv"
          onClick={() => downloadBlob(new Blob([metricsCsv(config, classNames, history)], { type: 'text/csv' }), `${stem}-metrics.csv`)}
        >
          Metrics (CSV)
        </button>
        <button
          type="button"
          disabled={!shown}
          data-testid="export-features-csv"
          title="Every lane’s 2-D features (training sample and test set) with true class and prediction, at the epoch shown"
          onClick={() => shown && downloadBlob(new Blob([featuresCsv(classNames, shown)], { type: 'text/csv' }), `imbalance-playground-epoch${shown.epoch}-features.csv`)}
        >
          Features{shown ? `, epoch ${shown.epoch}` : ''} (CSV)
        </button>
        <button
          type="button"
          disabled={!shown}
          data-testid="export-features-json"
          title="Every lane’s 2-D features and classifiers, with true classes and predictions, at the epoch shown"
          onClick={() => shown && downloadBlob(new Blob([JSON.stringify(featuresJson(config, classNames, shown))], { type: 'application/json' }), `imbalance-playground-epoch${shown.epoch}-features.json`)}
        >
          Features{shown ? `, epoch ${shown.epoch}` : ''} (JSON)
        </button>
        {lanes.map((lane) => (
          <button
            key={lane.id}
            type="button"
            disabled={replaying || noMetrics || status === 'loading' || status === 'error'}
            title={replaying ? 'A recording holds no weights' : undefined}
            data-testid={`export-weights-${fileSafeLaneId(lane.id)}`}
            onClick={() => void exportWeights(lane)}
          >
            {lane.label} weights
          </button>
        ))}
      </div>
      {replaying ? (
        <p className="field-hint" data-testid="weights-replay-reason">
          Weights cannot be exported from a recording: it holds every epoch’s features and metrics, not the networks. Train this
          experiment here (the banner’s button) to export its weights.
        </p>
      ) : null}
      {weightsError ? <p className="field-error" role="alert">{weightsError}</p> : null}
    </section>
  );
}
