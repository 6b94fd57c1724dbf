/**
 * Shown when no prepared CIFAR-10 data is reachable: how to prepare it where the app is served (for
 * the development server and for a static build, which need different steps), or how to import
 * the official archive into this browser only, by dropping it or choosing it, with progress.
 */
import { useState } from 'react';
import { importArchive } from '../../data/loader.ts';
import { checkDataAvailability } from '../../worker/client.ts';
import { FilePicker } from './fields.tsx';

const ARCHIVE_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';

export function DataMissing() {
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  // The development server serves public/ live; a static build serves only what was built into dist/.
  const devServer = import.meta.env.DEV;

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

  const serverSteps = {
    dev: (
      <li key="dev" data-testid="advice-dev">
        <strong>Started with <code>npm start</code> or <code>npm run dev</code>{devServer ? ' (as this page was)' : ''}:</strong> in the project
        folder run <code>npm run data</code> (it downloads the archive, about 162 MB; without internet use{' '}
        <code>CIFAR10_TAR=/path/to/cifar-10-binary.tar.gz npm run data</code>), then reload this page.
      </li>
    ),
    static: (
      <li key="static" data-testid="advice-static">
        <strong>A built copy on a web server{devServer ? '' : ' (as this page is)'}:</strong> the data must sit in <code>data/cifar10/</code>{' '}
        next to this page’s <code>index.html</code>. In the project run <code>npm run data</code>, then <code>npm run build</code> again (the
        build copies the data into <code>dist/</code>) and upload <code>dist/</code> — or copy the prepared <code>public/data/cifar10/</code>{' '}
        folder there. Then reload this page.
      </li>
    ),
  };

  return (
    <section className="data-missing" aria-labelledby="data-missing-title" data-testid="data-missing">
      <h2 id="data-missing-title">CIFAR-10 is not here yet</h2>
      <p>
        The playground trains on the real CIFAR-10 images (the official{' '}
        <a href={ARCHIVE_URL}>
          <code>cifar-10-binary.tar.gz</code>
        </a>
        ). Nothing is uploaded anywhere. Add them in one of two ways:
      </p>
      <div className="data-ways">
        <div className="data-way">
          <h3>For everyone who opens this app</h3>
          <p>Prepare the data where the app is served:</p>
          <ul>{devServer ? [serverSteps.dev, serverSteps.static] : [serverSteps.static, serverSteps.dev]}</ul>
        </div>
        <div
          className={`data-way drop-zone${dragging ? ' dragging' : ''}`}
          data-testid="drop-zone"
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
          <h3>In this browser only</h3>
          <p>
            Download <a href={ARCHIVE_URL}>cifar-10-binary.tar.gz</a>, then drop it here or choose it. It is unpacked on this computer and
            kept in this browser’s cache.
          </p>
          <FilePicker
            label="Choose the archive…"
            accept=".tar.gz,.tgz,application/gzip,application/x-gzip"
            primary
            disabled={progress !== null}
            testId="archive-input"
            onFiles={([file]) => void importFile(file)}
          />
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
        </div>
      </div>
    </section>
  );
}
