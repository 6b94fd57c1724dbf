/** Says, above everything, that the run on screen is a recording (nothing trains) and how to leave it. */
import { timePresetOf } from '../../config/experiment.ts';
import { seedLabels } from '../../state/seedSet.ts';
import { useAppStore } from '../../state/store.ts';
import { PRESET_LABEL } from './presets.ts';

export function ReplayBanner() {
  const replay = useAppStore((s) => s.replay);
  const config = useAppStore((s) => s.config);
  const epochs = useAppStore((s) => s.history.length);
  const endReplay = useAppStore((s) => s.endReplay);
  const images = useAppStore((s) => s.replayImages);
  if (!replay) return null;
  const { seeds } = replay;
  const labels = seeds ? seedLabels(seeds) : [];
  // The banner goes away: focus waits on the training controls until Play is usable.
  const leave = (next: 'previous' | 'recorded') => {
    endReplay(next);
    document.querySelector<HTMLElement>('[data-testid="transport"]')?.focus();
  };
  const preset = timePresetOf(config);
  const recorded = new Date(replay.createdAt);
  return (
    <section className="replay-banner" role="status" aria-label="Recording" data-testid="replay-banner">
      <p>
        <strong>{seeds ? `Recordings of ${seeds.seeds.length} seeds — replayed, not trained here.` : 'Recording — replayed, not trained here.'}</strong>{' '}
        {preset ? `${PRESET_LABEL[preset]} preset, ` : ''}
        {epochs} of {config.epochs} epochs{epochs < config.epochs ? ' (a partial run)' : ''}, recorded {recorded.toLocaleDateString()}
        {replay.backend ? ` on ${replay.backend}` : ''}, from {replay.source === 'link' ? 'the link’s file' : 'the file'} <code>{replay.name}</code>
        {seeds ? (
          <>
            {' '}({labels[0]}), shown with{' '}
            {seeds.names.slice(1).map((name, i) => (
              <span key={name}>
                {i > 0 ? ', ' : ''}
                <code>{name}</code> ({labels[i + 1]})
              </span>
            ))}{' '}
            in “Seeds: {seeds.seeds.length}”; every other view shows {labels[0]}’s run
          </>
        ) : null}
        .
        {replay.provenance ? (
          <>
            {' '}Trained by <code data-testid="replay-command">{replay.provenance.command}</code>
            {replay.provenance.commit ? <> at commit <code data-testid="replay-commit">{replay.provenance.commit}</code></> : null}.{' '}
          </>
        ) : null}
        Every view and the scrubber show the recorded epochs: press Space or ▶ Play beside the scrubber to play them.{' '}
        <span data-testid="replay-images" data-state={images}>
          {images === 'shown'
            ? 'Hovering a point shows its CIFAR-10 image.'
            : images === 'loading'
              ? 'Looking for the plotted images in the CIFAR-10 data…'
              : 'Hovering a point shows its class and prediction (the plotted images are not in the data here).'}
        </span>
      </p>
      <div className="button-row">
        <button type="button" className="primary" data-testid="train-recorded" onClick={() => leave('recorded')}>
          Train this experiment here
        </button>
        <button type="button" data-testid="close-recording" onClick={() => leave('previous')}>
          Close the recording
        </button>
      </div>
    </section>
  );
}
