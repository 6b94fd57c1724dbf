import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PAPER_CONFIG, validateConfig, type ExperimentConfig } from '../config/experiment.ts';
import { configFromSearch, configToSearch, URL_PARAMS } from './urlConfig.ts';

describe('config in the URL', () => {
  it('round-trips every field', () => {
    const config: ExperimentConfig = {
      ...PAPER_CONFIG,
      classes: [9, 3, 5, 1],
      imbalance: 'custom',
      trainCounts: [4000, 300, 20, 7],
      seed: 12345,
      subsetSeed: 7,
      width: 0.5,
      learningRate: 0.0125,
      warmupEpochs: 5,
      methods: ['erm', 'la:tau=1.5', 'ldam-drw', 'mfw:alpha=1'],
      seedVersion: 1,
      weightMode: 'eq12',
      beta: 2,
      testPerClass: 25,
      backend: 'webgl',
    };
    const search = configToSearch(config);
    expect(search).toContain('m=erm,la:tau=1.5,ldam-drw,mfw:alpha=1&sv=1');
    // Every setting but those of the command line's Table 1 protocol, which a link names only when it differs (it cannot in the app).
    const written = Object.values(URL_PARAMS).filter((param) => param !== URL_PARAMS.featureDim && param !== URL_PARAMS.schedule);
    for (const param of written) expect(new URLSearchParams(search).has(param)).toBe(true);
    expect(configFromSearch(search)).toEqual({ config, problems: [], fromUrl: true });
  });

  it('opens a link without a subset seed as before the split: one seed draws the subset and the weights', () => {
    // A link made before the subset seed existed: it carries one seed.
    const old = 'c=2,3,0,1&imb=step&rho=10&seed=7&depth=1&ep=30&m=erm,mfw&sv=2';
    const { config, problems } = configFromSearch(`?${old}`);
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ seed: 7, subsetSeed: 7 });
    // Written back, it has no `ss`: the same link, the same storage key of its training in the browser.
    expect(configToSearch(config)).not.toContain('ss=');
    expect(new URLSearchParams(configToSearch(config)).get('seed')).toBe('7');
    expect(configFromSearch(`?${configToSearch(config)}`).config).toEqual(config);
    // No seed at all: the default's, both.
    expect(configFromSearch('?ep=3').config).toMatchObject({ seed: DEFAULT_CONFIG.seed, subsetSeed: DEFAULT_CONFIG.seed });
  });

  it('round-trips a subset seed apart from the seed as ss, and checks it like the seed', () => {
    const config: ExperimentConfig = { ...DEFAULT_CONFIG, seed: 3, subsetSeed: 0 };
    const search = configToSearch(config);
    expect(search).toContain('seed=3&ss=0&');
    expect(configFromSearch(`?${search}`)).toEqual({ config, problems: [], fromUrl: true });
    // The parameters' order does not matter: ss before seed means the same.
    expect(configFromSearch('?ss=4&seed=2').config).toMatchObject({ seed: 2, subsetSeed: 4 });
    for (const bad of ['-1', '1.5', 'x', String(2 ** 31)]) {
      const { config: read, problems } = configFromSearch(`?seed=2&ss=${bad}`);
      expect(read.subsetSeed, bad).toBe(2);
      expect(problems, bad).toEqual([expect.stringContaining('Subset seed')]);
    }
  });

  it('validateConfig: a seed alone sets the subset seed too (as one seed did); given both, each keeps its own', () => {
    const split = validateConfig({ seed: 4, subsetSeed: 9 }).config;
    expect(split).toMatchObject({ seed: 4, subsetSeed: 9 });
    // The settings panel edits the seed with the subset seed as it is (SettingsPanel's seed field).
    expect(validateConfig({ seed: 5, subsetSeed: split.subsetSeed }, split).config).toMatchObject({ seed: 5, subsetSeed: 9 });
    expect(validateConfig({ seed: 5 }, split).config).toMatchObject({ seed: 5, subsetSeed: 5 });
    expect(validateConfig({ subsetSeed: 2 }, split).config).toMatchObject({ seed: 4, subsetSeed: 2 });
    expect(validateConfig({ epochs: 3 }, split).config).toMatchObject({ seed: 4, subsetSeed: 9 });
  });

  it('names the feature and the schedule only when they are not the 2-D feature and the cosine schedule, so the app’s links keep their text', () => {
    const search = configToSearch(DEFAULT_CONFIG);
    expect(search).not.toMatch(/(^|&)(fd|sched)=/);
    expect(configToSearch({ ...DEFAULT_CONFIG, featureDim: 64, schedule: 'ldam' })).toBe(`${search.replace('&ep=', '&fd=64&ep=').replace('&wu=', '&sched=ldam&wu=')}`);
  });

  it('omits ss, fd and sched together at their defaults and writes each apart where it differs', () => {
    const search = configToSearch({ ...DEFAULT_CONFIG, seed: 6, subsetSeed: 6 });
    expect(search).not.toMatch(/(^|&)(ss|fd|sched)=/);
    // The subset seed alone, or beside the Table 1 settings: each is written where it differs, in the fixed order.
    expect(configToSearch({ ...DEFAULT_CONFIG, seed: 6, subsetSeed: 0 })).toBe(search.replace('seed=6&', 'seed=6&ss=0&'));
    const table1 = configToSearch({ ...DEFAULT_CONFIG, seed: 6, subsetSeed: 0, featureDim: 64, schedule: 'ldam' });
    expect(table1).toBe(search.replace('seed=6&', 'seed=6&ss=0&').replace('&ep=', '&fd=64&ep=').replace('&wu=', '&sched=ldam&wu='));
    // Read back under the command line's scope, every setting comes back; under the app's, ss stays and fd, sched are refused.
    const params = Object.fromEntries(new URLSearchParams(table1));
    expect(validateConfig({ seed: Number(params.seed), subsetSeed: Number(params.ss), featureDim: Number(params.fd), schedule: params.sched }, DEFAULT_CONFIG, 'engine').config).toMatchObject({
      seed: 6,
      subsetSeed: 0,
      featureDim: 64,
      schedule: 'ldam',
    });
    const app = configFromSearch(`?${table1}`);
    expect(app.config).toMatchObject({ seed: 6, subsetSeed: 0, featureDim: 2, schedule: 'cosine' });
    expect(app.problems).toHaveLength(2);
  });

  it('refuses, with a message saying where they train, other class counts, the 64-d feature and the LDAM schedule', () => {
    const tenClasses = configFromSearch('?c=0,1,2,3,4,5,6,7,8,9&imb=long-tailed&rho=100');
    expect(tenClasses.config.classes).toEqual(DEFAULT_CONFIG.classes);
    expect(tenClasses.problems).toEqual([
      'Classes must be 4 different CIFAR-10 class ids from 0 to 9 (got [0,1,2,3,4,5,6,7,8,9]). The app trains 4 classes; 2 to 10 train from the command line (npm run experiment).',
    ]);
    const table1 = configFromSearch('?fd=64&sched=ldam');
    expect(table1.config).toMatchObject({ featureDim: 2, schedule: 'cosine' });
    expect(table1.problems).toEqual([
      expect.stringMatching(/^Feature dimension 64 \(fd\) is for the command line \(npm run experiment, the paper's Table 1 protocol\): the app plots the 2-D feature; using 2\.$/),
      expect.stringMatching(/^Learning-rate schedule “ldam” \(sched\) is for the command line .*; using cosine\.$/),
    ]);
    expect(configFromSearch('?fd=3').problems).toEqual(['Feature dimension must be one of 2, 64 (got 3).']);
  });

  it('keeps valid parameters, reports and replaces invalid ones, never throws', () => {
    const { config, problems } = configFromSearch('?c=0,0,1,2&ep=abc&lr=7&be=quantum&drw=maybe&zz=1&bs=32');
    expect(config.classes).toEqual(DEFAULT_CONFIG.classes);
    expect(config.epochs).toBe(DEFAULT_CONFIG.epochs);
    expect(config.learningRate).toBe(DEFAULT_CONFIG.learningRate);
    expect(config.backend).toBe('auto');
    expect(config.methods).toEqual(['erm', 'mfw']);
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

  it('opens a link from before the method lab (no sv) with the first seed semantics, and drw=1 as DRW beside MFW-DRW', () => {
    expect(configFromSearch('?ep=3').config).toMatchObject({ epochs: 3, seedVersion: 1, methods: ['erm', 'mfw'] });
    expect(configFromSearch('?ep=3&drw=0').config).toMatchObject({ seedVersion: 1, methods: ['erm', 'mfw'] });
    const { config, problems } = configFromSearch('?ep=3&drw=1');
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ seedVersion: 1, methods: ['drw', 'mfw-drw'] });
    // No settings at all: today's defaults.
    expect(configFromSearch('').config).toEqual(DEFAULT_CONFIG);
    expect(configFromSearch('?sv=2&ep=3').config.seedVersion).toBe(2);
  });

  it('reads lanes from m, canonical, and explains an invalid list before falling back', () => {
    expect(configFromSearch('?m=LA:tau=1,bs,mixup&sv=2').problems).toEqual([expect.stringContaining('listed twice')]);
    expect(configFromSearch('?m=erm,la:tau=1.5,mfw:alpha=2&sv=2').config.methods).toEqual(['erm', 'la:tau=1.5', 'mfw']);
    const cases: [string, RegExp][] = [
      ['m=erm,focal', /unknown method “focal” \(known: erm, mfw/],
      ['m=la:tau=9', /la: τ must be between 0 and 5 \(got 9\)/],
      ['m=erm:alpha=2', /erm: “alpha=2” is not a parameter=value of this method \(it takes none\)/],
      ['m=', /unknown method “”/],
      ['m=erm,mfw,drw,rw,la,mixup,remix-drw', /at most 6 methods/],
    ];
    for (const [search, message] of cases) {
      const { config, problems } = configFromSearch(`?${search}&sv=2`);
      expect(config.methods, search).toEqual(DEFAULT_CONFIG.methods);
      expect(problems, search).toEqual([expect.stringMatching(message)]);
      expect(problems[0], search).toMatch(/^Methods: .*; using erm, mfw\.$/);
    }
  });

  it('round-trips 1 to 6 lanes', () => {
    for (const methods of [['la'], ['erm', 'mfw', 'drw', 'rw', 'la:tau=2', 'remix-drw']]) {
      const config: ExperimentConfig = { ...DEFAULT_CONFIG, methods };
      expect(configFromSearch(configToSearch(config))).toEqual({ config, problems: [], fromUrl: true });
    }
  });
});
