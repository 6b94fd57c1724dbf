/**
 * Loads weights exported by this app (docs/WEIGHTS.md): one model.json per lane (some or all) with its
 * .bin. They are checked completely first; then the run they belong to opens at their epoch, shown
 * evaluated (inspect), and Play continues it.
 */
import { useState } from 'react';
import { readWeightsFiles, type ChosenFile } from '../../core/weightsFile.ts';
import { useAppStore } from '../../state/store.ts';
import { FilePicker } from './fields.tsx';

async function chosenFile(file: File): Promise<ChosenFile> {
  return file.name.toLowerCase().endsWith('.json') ? { name: file.name, text: await file.text() } : { name: file.name, bytes: await file.arrayBuffer() };
}

export function WeightsImport() {
  const [error, setError] = useState<string | null>(null);
  const loadWeights = useAppStore((s) => s.loadWeights);

  const load = async (files: File[]) => {
    setError(null);
    try {
      loadWeights(readWeightsFiles(await Promise.all(files.map(chosenFile))));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section className="weights-import" aria-labelledby="weights-import-title" data-testid="weights-import">
      <h2 id="weights-import-title">Load weights</h2>
      <p className="field-hint">
        Choose a model.json and its .bin (exported above) for one method or several of the same run, to see that run at its epoch and continue it. It replaces
        this browser’s saved run of the same settings.
      </p>
      <FilePicker
        label="Choose weights files…"
        accept=".json,.bin,application/json,application/octet-stream"
        multiple
        testId="weights-input"
        onFiles={(files) => void load(files)}
      />
      {error ? (
        <p className="field-error" role="alert" data-testid="weights-error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
