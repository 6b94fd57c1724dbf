import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, lanesOf, validateConfig } from '../config/experiment.ts';
import { postHocKindsFor } from './posthoc.ts';
import { LANE_SETS, LANE_SETS_VALID, laneSetOf } from './laneSets.ts';
import { DEFAULT_LANES, MAX_LANES } from './methods.ts';

describe('lane sets', () => {
  it('start with the default pair, so a first visitor’s page is unchanged', () => {
    expect(LANE_SETS[0].methods).toEqual(DEFAULT_LANES);
    expect(laneSetOf(DEFAULT_CONFIG.methods)?.key).toBe('mfw-vs-erm');
    expect(LANE_SETS_VALID).toBe(true);
  });

  it('are each a valid configuration of at most the lane limit, with a one-sentence question', () => {
    for (const set of LANE_SETS) {
      expect(set.methods.length).toBeLessThanOrEqual(MAX_LANES);
      const { config, problems } = validateConfig({ ...DEFAULT_CONFIG, methods: [...set.methods] });
      expect(problems).toEqual([]);
      expect(config.methods).toEqual(set.methods);
      expect(set.question).toMatch(/^[A-Z].*\?$/);
    }
    expect(new Set(LANE_SETS.map((s) => s.key)).size).toBe(LANE_SETS.length);
  });

  it('put only corrections their lanes accept: the decoupling set corrects ERM after training beside LA', () => {
    for (const set of LANE_SETS) {
      const lanes = lanesOf({ ...DEFAULT_CONFIG, methods: [...set.methods] });
      for (const [id, setting] of Object.entries(set.postHoc ?? {})) {
        const lane = lanes.find((l) => l.id === id);
        expect(lane, `${set.key} corrects a lane it trains`).toBeDefined();
        expect(postHocKindsFor(lane!.spec)).toContain(setting.kind);
      }
    }
    const decoupling = LANE_SETS.find((set) => set.key === 'decoupling');
    expect(decoupling?.methods).toEqual(['erm', 'la']);
    expect(decoupling?.postHoc).toEqual({ erm: { kind: 'logit-adjustment', tau: 1, keepBias: true } });
  });

  it('are recognised only by the exact lanes, in order', () => {
    expect(laneSetOf(['erm', 'rw', 'drw', 'mfw'])?.label).toBe('vs re-weighting');
    expect(laneSetOf(['mfw', 'erm'])).toBeNull();
    expect(laneSetOf(['erm', 'la:tau=1.5', 'ldam-drw', 'mfw'])).toBeNull();
  });
});
