import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, validateConfig } from '../config/experiment.ts';
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

  it('are recognised only by the exact lanes, in order', () => {
    expect(laneSetOf(['erm', 'rw', 'drw', 'mfw'])?.label).toBe('vs re-weighting');
    expect(laneSetOf(['mfw', 'erm'])).toBeNull();
    expect(laneSetOf(['erm', 'la:tau=1.5', 'ldam-drw', 'mfw'])).toBeNull();
  });
});
