/**
 * How long the run will take, shown before Play: first while the worker times this network on the
 * device ("preparing the GPU"), then as an estimate that counts training and evaluation. When that
 * is longer than a lesson it says so and links to the Quick preset (or, for Quick itself, to
 * showing a recording).
 */
import { QUICK_CONFIG, timePresetOf, withTimePreset } from '../../config/experiment.ts';
import { profileKey, profileOf } from '../../core/networkCost.ts';
import { LESSON_SECONDS, capitalise, estimateFor, formatEstimate, withFewerLanes } from '../../state/estimate.ts';
import { openShippedRecording } from '../../state/replay.ts';
import { useAppStore } from '../../state/store.ts';
import { configToSearch } from '../../state/urlConfig.ts';
import { closestShipped } from './FinishedRuns.tsx';
import { PRESET_LABEL } from './presets.ts';

const SOFTWARE_BACKENDS = new Set(['cpu', 'wasm']);

export function RunEstimate() {
  const config = useAppStore((s) => s.config);
  const status = useAppStore((s) => s.status);
  const backendReport = useAppStore((s) => s.backend);
  const backend = backendReport?.name ?? null;
  const calibrations = useAppStore((s) => s.calibrations);
  const calibrating = useAppStore((s) => s.calibrating);
  const completedEpochs = useAppStore((s) => s.history.at(-1)?.epoch ?? 0);
  const editConfig = useAppStore((s) => s.editConfig);
  const replaying = useAppStore((s) => s.replay !== null);
  const shipped = useAppStore((s) => s.shippedRecordings);
  // Its place is kept from the first paint until the estimate comes, so the status bar does not jump.
  const placeholder = (
    <p className="run-estimate run-estimate-placeholder" data-testid="estimate-placeholder">
      How long the run takes on this device is estimated once the network is ready.
    </p>
  );
  if (replaying) return null;
  if (status === 'idle' || status === 'loading') return completedEpochs === 0 ? placeholder : null;
  if (status !== 'ready' && status !== 'paused') return null;

  const timingThis = calibrating !== null && backend !== null && profileKey(backend, calibrating.profile) === profileKey(backend, profileOf(config));
  if (timingThis) {
    const what = SOFTWARE_BACKENDS.has(backend) ? 'Timing this device' : 'Preparing the GPU: compiling its programs and timing';
    return (
      <p className="run-estimate" role="status" data-testid="calibrating">
        {what} a few training steps of this network, to estimate the run…{' '}
        <progress max={calibrating.total} value={calibrating.done} aria-label="Timing this device" />
      </p>
    );
  }
  const estimate = estimateFor(config, backendReport, calibrations, completedEpochs);
  if (!estimate) return completedEpochs === 0 ? placeholder : null;
  if (estimate.epochs === 0) return null;

  const preset = timePresetOf(config);
  const subject = preset ? `the ${PRESET_LABEL[preset]} preset` : 'these settings';
  const quick = withTimePreset(config, QUICK_CONFIG);
  const quickEstimate = estimateFor(quick, backendReport, calibrations);
  const quickFits = quickEstimate !== null && quickEstimate.seconds <= LESSON_SECONDS;
  const tooLong = estimate.seconds > LESSON_SECONDS;
  const quickLink = (
    <a
      href={`?${configToSearch(quick)}`}
      data-testid="quick-preset-link"
      onClick={(event) => {
        event.preventDefault();
        editConfig(quick);
      }}
    >
      the Quick preset
    </a>
  );
  // Every lane is a network of its own: with more than a pair, fewer lanes divide the time (unless
  // each already trains on a core of its own).
  const pair = tooLong ? withFewerLanes(config) : null;
  const pairEstimate = pair ? estimateFor(pair, backendReport, calibrations, completedEpochs) : null;
  const fewerLanes = pair && pairEstimate && pairEstimate.seconds < estimate.seconds ? (
    <>
      {' '}
      It trains {config.methods.length} networks side by side: fewer methods take less, e.g.{' '}
      <a
        href={`?${configToSearch(pair)}`}
        data-testid="fewer-lanes-link"
        onClick={(event) => {
          event.preventDefault();
          editConfig(pair);
        }}
      >
        ERM beside MFW alone
      </a>
      {` (${formatEstimate(pairEstimate.seconds)} here)`}.
    </>
  ) : null;
  const recordingAdvice = 'Train it beforehand on a computer with a GPU and show it in class as a recording (Recording → Save, then Open).';
  const finished = closestShipped(shipped, config.methods, preset);
  const watchFinished = finished ? (
    <>
      {' '}
      Or{' '}
      <button type="button" className="link-button" data-testid="estimate-watch-finished" onClick={() => void openShippedRecording(finished.path)}>
        watch a finished run (instant)
      </button>
      .
    </>
  ) : null;
  return (
    // data-calibrating: the worker is still timing other networks (the presets') in the background.
    <div className="run-estimate" data-testid="run-estimate" data-seconds={Math.round(estimate.seconds)} data-calibrating={calibrating !== null}>
      <p>
        <strong>{capitalise(formatEstimate(estimate.seconds))}</strong>
        {completedEpochs > 0 ? ` left (${estimate.epochs} of ${config.epochs} epochs)` : ''} on this device for {subject}
        <span className="run-estimate-detail">
          {' '}
          (training {withoutAbout(estimate.trainSeconds)}, evaluation after each epoch {withoutAbout(estimate.evalSeconds)} in all)
        </span>
      </p>
      {tooLong ? (
        <p className="run-estimate-warning" data-testid="too-long">
          {preset === 'quick' ? (
            <>That is longer than a lesson, even for the shortest preset. {recordingAdvice}</>
          ) : quickFits ? (
            <>
              That is longer than a lesson: {quickLink} shows the same effect in {formatEstimate(quickEstimate.seconds)} here.
            </>
          ) : (
            <>
              That is longer than a lesson, and so is {quickLink}
              {quickEstimate ? ` (${formatEstimate(quickEstimate.seconds)} here)` : ''}. {recordingAdvice}
            </>
          )}
          {fewerLanes}
          {watchFinished}
        </p>
      ) : null}
    </div>
  );
}

function withoutAbout(seconds: number): string {
  return formatEstimate(seconds).replace('about ', '');
}
