import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PAPER_CONFIG, type ExperimentConfig } from '../config/experiment.ts';
import { configFromSearch, configToSearch, URL_PARAMS } from './urlConfig.ts';

describe('config in the URL', () => {
  it('round-trips every field', () => {
    const config: ExperimentConfig = {
      ...PAPER_CONFIG,
      classes: [9, 3, 5, 1],
      imbalance: 'custom',
      trainCounts: [4000, 300, 20, 7],
      seed: 12345,
      width: 0.5,
      learningRate: 0.0125,
      warmupEpochs: 5,
      drw: true,
      weightMode: 'eq12',
      beta: 2,
      testPerClass: 25,
      backend: 'webgl',
    };
    const search = configToSearch(config);
    for (const param of Object.values(URL_PARAMS)) expect(new URLSearchParams(search).has(param)).toBe(true);
    expect(configFromSearch(search)).toEqual({ config, problems: [], fromUrl: true });
  });

  it('keeps valid parameters, reports and replaces invalid ones, never throws', () => {
    const { config, problems } = configFromSearch('?c=0,0,1,2&ep=abc&lr=7&be=quantum&drw=maybe&zz=1&bs=32');
    expect(config.classes).toEqual(DEFAULT_CONFIG.classes);
    expect(config.epochs).toBe(DEFAULT_CONFIG.epochs);
    expect(config.learningRate).toBe(DEFAULT_CONFIG.learningRate);
    expect(config.backend).toBe('auto');
    expect(config.drw).toBe(false);
    expect(config.batchSize).toBe(32);
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/Unknown setting “zz”/);
  });

  it('testPerClass: short name tpc, whole numbers from 10 to 1000, the whole test set by default', () => {
    expect(URL_PARAMS.testPerClass).toBe('tpc');
    expect(configToSearch({ ...DEFAULT_CONFIG, testPerClass: 25 })).toContain('tpc=25');
    expect(configFromSearch('?tpc=25').config.testPerClass).toBe(25);
    expect(configFromSearch('?ep=3').config.testPerClass).toBe(1000);
    for (const bad of ['9', '1001', '12.5', 'all']) {
      const { config, problems } = configFromSearch(`?tpc=${bad}`);
      expect(config.testPerClass).toBe(1000);
      expect(problems).toEqual([expect.stringContaining('Test images per class')]);
    }
  });

  it('says when a preset overrides counts given in the link', () => {
    const { config, problems } = configFromSearch('?imb=step&rho=10&n=1,2,3,4');
    expect(config.trainCounts).toEqual([5000, 5000, 500, 500]);
    expect(problems).toEqual([expect.stringContaining('“step” preset sets them')]);
  });

  it('survives garbage', () => {
    for (const search of ['?c=', '?n=%', '?%E0%A4%A=1', '?ep=1e999', '?k=99&depth=1', '?wu=30&ep=10']) {
      expect(() => configFromSearch(search)).not.toThrow();
    }
    expect(configFromSearch('?k=99&depth=1').config.mixingPoint).toBeLessThanOrEqual(4);
  });
});
