import { describe, expect, it } from 'vitest';
import { presetCounts } from '../config/imbalance.ts';
import { PAPER_CONFIG } from '../config/experiment.ts';
import { Rng } from '../util/rng.ts';
import {
  classBalancedWeights,
  classWeightsAt,
  drawKey,
  drawMixing,
  fileSafeLaneId,
  specParameters,
  withLaneParameter,
  inverseFrequencyWeights,
  laneStream,
  ldamMargins,
  logPrior,
  lossTargets,
  METHOD_NAMES,
  METHODS,
  parseLane,
  parseLanes,
  remixLabelShare,
  trainingLogitOffsets,
  type Lane,
} from './methods.ts';

const MFW = PAPER_CONFIG;
const lane = (text: string): Lane => {
  const parsed = parseLane(text, MFW);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
};
const round3 = (values: number[]) => values.map((v) => Math.round(v * 1000) / 1000);

// The research note's hand-derived table (../shared/research/methods.md §8), to three decimals.
const HAND_VALUES = [
  { name: '§4 / step-100', counts: presetCounts('paper', 4, 100), ldam: [0.158, 0.158, 0.5, 0.5], cb: [0.025, 0.025, 1.975, 1.975], logPi: [-0.703, -0.703, -5.308, -5.308] },
  { name: 'LT-100', counts: presetCounts('long-tailed', 4, 100), ldam: [0.158, 0.232, 0.341, 0.5], cb: [0.04, 0.153, 0.68, 3.127], logPi: [-0.24, -1.776, -3.311, -4.846] },
  { name: 'LT-10', counts: presetCounts('long-tailed', 4, 10), ldam: [0.281, 0.341, 0.413, 0.5], cb: [0.27, 0.513, 1.04, 2.177], logPi: [-0.576, -1.344, -2.112, -2.879] },
  { name: 'LT-200', counts: presetCounts('long-tailed', 4, 200), ldam: [0.133, 0.207, 0.322, 0.5], cb: [0.021, 0.101, 0.57, 3.308], logPi: [-0.186, -1.954, -3.72, -5.485] },
];

describe('the formulas give the research note’s hand-derived values', () => {
  it.each(HAND_VALUES)('$name ($counts)', ({ counts, ldam, cb, logPi }) => {
    expect(round3(ldamMargins(counts, 0.5))).toEqual(ldam);
    expect(round3(classBalancedWeights(counts))).toEqual(cb);
    expect(round3(logPrior(counts))).toEqual(logPi);
  });

  it('inverse-frequency weights at LT-100, and every weighting sums to C', () => {
    const counts = presetCounts('long-tailed', 4, 100);
    expect(counts).toEqual([5000, 1077, 232, 50]);
    expect(round3(inverseFrequencyWeights(counts))).toEqual([0.031, 0.146, 0.678, 3.145]);
    for (const weights of [inverseFrequencyWeights(counts), classBalancedWeights(counts)]) expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(4, 12);
  });

  it('DRW switches on at epoch 160 of 200; RW from the first epoch; ERM never', () => {
    const counts = presetCounts('long-tailed', 4, 100);
    const drw = lane('drw').spec.reweight;
    expect(classWeightsAt(drw, counts, 159, 200)).toBeNull();
    expect(classWeightsAt(drw, counts, 160, 200)).toEqual(classBalancedWeights(counts));
    expect(classWeightsAt(lane('rw').spec.reweight, counts, 0, 200)).toEqual(classBalancedWeights(counts));
    expect(classWeightsAt(lane('drw:start=1').spec.reweight, counts, 199, 200)).toBeNull();
    expect(classWeightsAt(lane('erm').spec.reweight, counts, 199, 200)).toBeNull();
  });

  it('logit offsets: LA adds τ·log π to every logit; LDAM subtracts s·m_y from the target logit only', () => {
    const counts = presetCounts('paper', 4, 100);
    const la = trainingLogitOffsets(lane('la:tau=1.5').spec, counts)!;
    la.forEach((row) => expect(row).toEqual(logPrior(counts).map((l) => 1.5 * l)));
    const ldam = trainingLogitOffsets(lane('ldam-drw').spec, counts)!;
    const margins = ldamMargins(counts, 0.5);
    ldam.forEach((row, y) => expect(row).toEqual(counts.map((_, c) => (c === y ? -30 * margins[y] : 0))));
    expect(trainingLogitOffsets(lane('erm').spec, counts)).toBeNull();
    expect(trainingLogitOffsets(lane('la:tau=0').spec, counts)!.flat().every((v) => v === 0)).toBe(true);
  });
});

describe('lanes as text', () => {
  it('every named method parses to itself; bs is la; parameters round-trip canonically', () => {
    for (const name of METHOD_NAMES) expect(lane(name)).toMatchObject({ id: name, method: name, label: METHODS[name].label });
    expect(lane('bs').id).toBe('la');
    expect(lane('la:tau=1').id).toBe('la');
    expect(lane('LA:tau=1.5')).toMatchObject({ id: 'la:tau=1.5', label: 'LA τ=1.5' });
    expect(lane('remix-drw:tau=0:kappa=5').id).toBe(lane('remix-drw:kappa=5:tau=0').id);
    expect(lane(lane('ldam-drw:maxm=0.3:s=10').id).spec).toEqual(lane('ldam-drw:maxm=0.3:s=10').spec);
  });

  it('one parameter set on a lane: its id canonical again, a default dropping out, a bad value named', () => {
    const la = parseLane('la', PAPER_CONFIG) as Lane;
    const tuned = withLaneParameter(la, 'tau', '1.5', PAPER_CONFIG) as Lane;
    expect(tuned.id).toBe('la:tau=1.5');
    expect(specParameters(tuned.spec)).toEqual([{ key: 'tau', label: expect.stringContaining('τ'), value: '1.5' }]);
    expect((withLaneParameter(tuned, 'tau', '1', PAPER_CONFIG) as Lane).id).toBe('la');
    expect(withLaneParameter(tuned, 'tau', '9', PAPER_CONFIG)).toEqual({ error: 'la: τ must be between 0 and 5 (got 9)' });
    expect(withLaneParameter(la, 'kappa', '3', PAPER_CONFIG)).toHaveProperty('error', expect.stringContaining('it takes tau'));
  });

  it('a lane id in a file name: colons and equals signs replaced, plain ids unchanged', () => {
    expect(fileSafeLaneId('la:tau=1.5')).toBe('la_tau-1.5');
    expect(fileSafeLaneId('mfw-drw')).toBe('mfw-drw');
  });

  it('rejects, with a message naming the part, unknown methods, parameters, values and too many lanes', () => {
    expect(parseLane('focal', MFW)).toEqual({ error: expect.stringContaining('unknown method “focal”') });
    expect(parseLane('erm:tau=1', MFW)).toEqual({ error: expect.stringMatching(/erm: “tau=1” is not a parameter.*it takes none/) });
    expect(parseLane('la:tau=abc', MFW)).toEqual({ error: expect.stringContaining('la:') });
    expect(parseLane('ldam-drw:maxm=9', MFW)).toEqual({ error: expect.stringContaining('ldam-drw:') });
    expect(parseLanes(['erm', 'mfw', 'drw', 'rw', 'la', 'mixup', 'remix-drw'], MFW).problems).toContain('at most 6 methods train at once (got 7)');
    expect(parseLanes(['la', 'bs'], MFW).problems).toEqual(['the method la is listed twice']);
    expect(parseLanes([], MFW).problems).toEqual(['at least one method is needed']);
  });
});

describe('each lane’s draws', () => {
  const counts = [5000, 5000, 50, 50];
  const labels = Uint8Array.from([0, 1, 2, 3, 0, 1, 0, 1]);

  it('come from (seed, draw key) only: equal keys give equal draws, other keys other draws', () => {
    const a = drawMixing(lane('mixup').spec.mixing as never, labels, counts, 1, laneStream(7, drawKey(lane('mixup').spec)!));
    const b = drawMixing(lane('remix-drw').spec.mixing as never, labels, counts, 1, laneStream(7, drawKey(lane('remix-drw').spec)!));
    expect(drawKey(lane('mixup').spec)).toBe(drawKey(lane('remix-drw').spec));
    expect(b.permutation).toEqual(a.permutation);
    expect(b.partnerWeight).toEqual(a.partnerWeight);
    expect(drawKey(lane('mfw').spec)).toBe(drawKey(lane('mfw-drw').spec));
    expect(drawKey(lane('manifold-mixup').spec)).not.toBe(drawKey(lane('mixup').spec));
    expect(drawKey(lane('erm').spec)).toBeNull();
  });

  it('MFW: λ_n = s(N_{y_n})·Beta(α, α) per sample, labels kept; mixup: one λ per batch, partner share 1 − λ', () => {
    const mfw = drawMixing(lane('mfw').spec.mixing as never, labels, counts, 1, new Rng(3));
    labels.forEach((y, n) => (y >= 2 ? expect(mfw.partnerWeight[n]).toBe(0) : expect(mfw.partnerWeight[n]).toBeGreaterThan(0)));
    expect(Array.from(mfw.labelShare)).toEqual(Array(8).fill(1));
    const mixup = drawMixing(lane('mixup').spec.mixing as never, labels, counts, 1, new Rng(3));
    const lambda = mixup.labelShare[0];
    expect(new Set(mixup.labelShare).size).toBe(1);
    mixup.partnerWeight.forEach((p) => expect(p).toBeCloseTo(1 - lambda, 6));
    expect([...mixup.permutation].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('manifold mixup draws its point among the input and the ends of stages 1 and 2', () => {
    const spec = lane('manifold-mixup').spec.mixing as never;
    const points = new Set(Array.from({ length: 60 }, (_, i) => drawMixing(spec, labels, counts, 3, new Rng(i)).point));
    expect([...points].sort()).toEqual([4, 7, 'input']);
  });

  it('Remix’s label rule (Eq. 10): wholly to the minor class of a lopsided pair, else λ; τ = 0 is mixup', () => {
    expect(remixLabelShare(0.3, 5000, 50, 3, 0.5)).toBe(0); // major anchor, small share: label to the minor partner
    expect(remixLabelShare(0.7, 50, 5000, 3, 0.5)).toBe(1); // minor anchor keeps its label
    expect(remixLabelShare(0.7, 5000, 50, 3, 0.5)).toBe(0.7);
    expect(remixLabelShare(0.3, 5000, 4000, 3, 0.5)).toBe(0.3); // not lopsided
    for (const lambda of [0.01, 0.3, 0.7, 0.99]) expect(remixLabelShare(lambda, 5000, 50, 3, 0)).toBe(lambda);
  });

  it('loss targets: class weights on each label’s share; mixed labels split; Σ T the weighted mean’s denominator', () => {
    const weights = [0.5, 0.5, 1.5, 1.5];
    const draw = { point: 'input' as const, permutation: Int32Array.from([1, 2, 0]), partnerWeight: Float32Array.from([0.25, 0.25, 0.25]), labelShare: Float32Array.from([0.75, 0, 1]) };
    const targets = lossTargets([0, 1, 2], 4, weights, draw);
    expect(Array.from(targets)).toEqual([0.375, 0.125, 0, 0, /**/ 0, 0, 1.5, 0, /**/ 0, 0, 1.5, 0]);
    expect(Array.from(lossTargets([3, 0], 4, null, null))).toEqual([0, 0, 0, 1, 1, 0, 0, 0]);
  });
});
