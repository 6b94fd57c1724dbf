/**
 * Shown when no prepared CIFAR-10 data is reachable: how to prepare it, or drop / pick the
 * official archive to import it into this browser, with progress.
 */
import { useId, useState } from 'react';
import { importArchive } from '../../data/loader.ts';
import { checkDataAvailability } from '../../worker/client.ts';

export function DataMissing() {
  const inputId = useId();
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);

  const importFile = async (file: File | undefined) => {
    if (!file || progress) return;
    setError(null);
    setProgress({ loaded: 0, total: file.size });
    try {
      await importArchive(file, ({ loadedBytes, totalBytes }) => setProgress({ loaded: loadedBytes, total: totalBytes }));
      setProgress(null);
      await checkDataAvailability();
    } catch (e) {
      setProgress(null);
      setError((e as Error).message);
    }
  };

  return (
    <section
      className={`data-missing${dragging ? ' dragging' : ''}`}
      aria-labelledby="data-missing-title"
      data-testid="data-missing"
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        void importFile(event.dataTransfer.files[0]);
      }}
    >
      <h2 id="data-missing-title">CIFAR-10 is not here yet</h2>
      <p>The playground trains on the real CIFAR-10 images. Nothing is uploaded anywhere; there are two ways to add them:</p>
      <ol>
        <li>
          <strong>On the computer serving the app:</strong> download the official{' '}
          <a href="https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz">cifar-10-binary.tar.gz</a> (about 162 MB), then run{' '}
          <code>CIFAR10_TAR=/path/to/cifar-10-binary.tar.gz npm run data</code> and reload this page.
        </li>
        <li>
          <strong>In this browser:</strong> drop <code>cifar-10-binary.tar.gz</code> onto this box, or{' '}
          <label htmlFor={inputId} className="file-label">
            choose the file
          </label>
          <input
            id={inputId}
            type="file"
            accept=".tar.gz,.tgz,application/gzip,application/x-gzip"
            data-testid="archive-input"
            disabled={progress !== null}
            onChange={(event) => void importFile(event.target.files?.[0])}
          />
          . It is unpacked here and kept in the browser’s cache.
        </li>
      </ol>
      {progress ? (
        <p>
          <progress max={progress.total || 1} value={progress.loaded} aria-label="Importing the archive" data-testid="import-progress" />{' '}
          {Math.round((100 * progress.loaded) / Math.max(1, progress.total))} %
        </p>
      ) : null}
      {error ? (
        <p className="field-error" role="alert" data-testid="import-error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
