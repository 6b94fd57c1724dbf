/** A recording's playback: Play from the shown epoch (from the first at the end), one epoch per tick, stopping at the last. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/experiment.ts';
import type { EpochSnapshot } from '../core/snapshot.ts';
import { runSnapshot } from './runFixture.ts';
import { advanceReplay, useAppStore } from './store.ts';

const snapshot = (epoch: number): EpochSnapshot => ({
  epoch,
  learningRate: 0.1,
  imagesPerSecond: 1,
  trainFeatureLabels: new Uint8Array(),
  testLabels: new Uint8Array(),
  runs: { erm: runSnapshot(), mfw: runSnapshot() },
});

describe('replay playback', () => {
  it('plays nothing without a recording', () => {
    useAppStore.getState().setReplayPlaying(true);
    expect(useAppStore.getState().replayPlaying).toBe(false);
  });

  it('plays from the first epoch when the last is shown, one epoch per tick, and stops at the last', () => {
    const store = useAppStore.getState();
    store.startReplay({ config: DEFAULT_CONFIG, classNames: [], backend: null, provenance: null, createdAt: '2026-01-01T00:00:00Z', history: [1, 2, 3].map(snapshot) }, 'file', 'r.json');
    store.setReplayPlaying(true);
    expect(useAppStore.getState()).toMatchObject({ replayPlaying: true, selectedEpoch: 1 });
    advanceReplay();
    expect(useAppStore.getState().selectedEpoch).toBe(2);
    advanceReplay();
    // The last epoch is shown as "follow the newest" (null), and playback ends there.
    expect(useAppStore.getState()).toMatchObject({ replayPlaying: false, selectedEpoch: null });
    advanceReplay();
    expect(useAppStore.getState().selectedEpoch).toBeNull();
  });

  it('plays on from a scrubbed epoch, clamps the speed to 1–20 epochs/s, and stops when the recording closes', () => {
    const store = useAppStore.getState();
    store.selectEpoch(2);
    store.setReplayPlaying(true);
    expect(useAppStore.getState()).toMatchObject({ replayPlaying: true, selectedEpoch: 2 });
    store.setReplaySpeed(50);
    expect(useAppStore.getState().replaySpeed).toBe(20);
    store.setReplaySpeed(0);
    expect(useAppStore.getState().replaySpeed).toBe(1);
    useAppStore.setState({ replay: null, replayPlaying: false });
    advanceReplay();
    expect(useAppStore.getState().selectedEpoch).toBe(2);
  });
});
