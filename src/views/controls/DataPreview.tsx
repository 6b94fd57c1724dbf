/**
 * The first page: the chosen classes with a strip of real thumbnails each, their training and
 * test counts, and the imbalance as a bar chart.
 */
import { useEffect, useRef, useState } from 'react';
import { CIFAR10_CLASS_NAMES } from '../../config/experiment.ts';
import { TEST_PER_CLASS } from '../../config/imbalance.ts';
import { loadSampleImages } from '../../data/loader.ts';
import { IMAGE_BYTES, IMAGE_SIZE } from '../../data/types.ts';
import { useAppStore } from '../../state/store.ts';
import { pageDataBaseUrl } from '../../worker/client.ts';
import { classColour } from '../theme.ts';
import { ImbalanceChart } from './ImbalanceChart.tsx';

const THUMBNAILS = 8;

function ThumbnailStrip({ classId, name }: { classId: number; name: string }) {
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    loadSampleImages(pageDataBaseUrl(), classId, THUMBNAILS)
      .then((images) => {
        const context = canvasRef.current?.getContext('2d');
        if (cancelled || !context) return;
        const pixels = context.createImageData(IMAGE_SIZE, IMAGE_SIZE);
        for (let i = 0; i < THUMBNAILS; i++) {
          const image = images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);
          for (let p = 0; p < IMAGE_SIZE * IMAGE_SIZE; p++) {
            pixels.data[4 * p] = image[3 * p];
            pixels.data[4 * p + 1] = image[3 * p + 1];
            pixels.data[4 * p + 2] = image[3 * p + 2];
            pixels.data[4 * p + 3] = 255;
          }
          context.putImageData(pixels, i * IMAGE_SIZE, 0);
        }
        setError(null);
      })
      .catch((e: unknown) => !cancelled && setError((e as Error).message));
    return () => {
      cancelled = true;
    };
  }, [classId]);
  return (
    <>
      <canvas
        ref={canvasRef}
        className="thumbnails"
        width={IMAGE_SIZE * THUMBNAILS}
        height={IMAGE_SIZE}
        role="img"
        aria-label={`${THUMBNAILS} example training images of ${name}`}
        data-testid={`thumbnails-${classId}`}
      />
      {error ? <span className="field-error">Thumbnails unavailable: {error}</span> : null}
    </>
  );
}

export function DataPreview() {
  const classes = useAppStore((s) => s.config.classes);
  const trainCounts = useAppStore((s) => s.config.trainCounts);
  const testPerClass = useAppStore((s) => s.config.testPerClass);
  const availableCounts = useAppStore((s) => s.availableCounts);
  const classNames = classes.map((id) => CIFAR10_CLASS_NAMES[id]);
  const testCounts = classes.map((id) => Math.min(testPerClass, availableCounts?.test[id] ?? TEST_PER_CLASS));
  const maxCount = Math.max(...classes.map((id) => availableCounts?.train[id] ?? 5000));
  return (
    <section className="data-preview" aria-labelledby="data-preview-title" data-testid="data-preview">
      <h2 id="data-preview-title">The data: four CIFAR-10 classes, imbalanced</h2>
      <div className="data-preview-body">
        <ul className="class-strips">
          {classes.map((classId, slot) => (
            <li key={classId} data-testid="class-strip" data-class={CIFAR10_CLASS_NAMES[classId]}>
              <span className="class-name">
                <span className="swatch" style={{ background: classColour(slot) }} aria-hidden="true" />
                {CIFAR10_CLASS_NAMES[classId]}
              </span>
              <ThumbnailStrip classId={classId} name={CIFAR10_CLASS_NAMES[classId]} />
              <span className="class-counts" data-testid="class-counts">
                <strong>{trainCounts[slot]}</strong> train · {testCounts[slot]} test
              </span>
            </li>
          ))}
        </ul>
        <ImbalanceChart classNames={classNames} trainCounts={trainCounts} testCounts={testCounts} maxCount={maxCount} />
      </div>
    </section>
  );
}
