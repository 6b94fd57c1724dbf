import { describe, expect, it } from 'vitest';
import { PAPER_CONFIG } from '../../config/experiment.ts';
import { METHOD_NAMES, parseLane, type Lane } from '../../core/methods.ts';
import type { EpochSnapshot, RunSnapshot } from '../../core/snapshot.ts';
import { runSnapshot } from '../../state/runFixture.ts';
import { methodCards, type MethodCardInput } from './methodCards.ts';

/** Two major classes (500 images), two minor (10). */
const COUNTS = [500, 500, 10, 10];
const EPOCHS = 10;

const lane = (text: string): Lane => {
  const parsed = parseLane(text, PAPER_CONFIG);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
};

function run(fields: Partial<RunSnapshot> = {}): RunSnapshot {
  return runSnapshot({
    testAccuracy: [0.9, 0.9, 0.3, 0.3],
    classifier: { weight: [[1, 0], [-1, 0], [0, 1], [0, -1]], bias: [0.5, 0.5, -0.5, -0.5] },
    classWeights: [1, 1, 1, 1],
    testFeatures: Float32Array.from([3, 4, 0, 10]),
    gradientNormRatio: 2,
    ...fields,
  });
}

function snapshot(epoch: number, runs: Record<string, RunSnapshot>): EpochSnapshot {
  return { epoch, learningRate: 0.1, imagesPerSecond: 0, trainFeatureLabels: new Uint8Array(), testLabels: new Uint8Array(), runs };
}

const input = (lanes: Lane[], shown: EpochSnapshot | null): MethodCardInput => ({ snapshot: shown, lanes, trainCounts: COUNTS, epochs: EPOCHS });
const cardOf = (lanes: Lane[], shown: EpochSnapshot | null, id: string) => methodCards(input(lanes, shown)).find((card) => card.lane === id)!;

describe('methodCards', () => {
  it('gives every method a card with what it changes, a formula, a source and what to expect', () => {
    const lanes = METHOD_NAMES.map((name) => lane(name));
    const cards = methodCards(input(lanes, null));
    expect(cards.map((card) => card.lane)).toEqual([...METHOD_NAMES]);
    for (const card of cards) {
      expect(card.changes.length, card.lane).toBeGreaterThan(5);
      expect(card.formulas.length, card.lane).toBeGreaterThan(0);
      expect(card.source, card.lane).toMatch(/20\d\d/);
      expect(card.expected.length, card.lane).toBeGreaterThan(20);
      expect(card.shows, card.lane).toBeNull();
    }
    expect(cards.find((card) => card.lane === 'erm')!.changes).toContain('nothing');
  });

  it('writes the lane’s own parameters into its formulas', () => {
    const cards = methodCards(input([lane('erm'), lane('la:tau=1.5'), lane('drw:start=0.5'), lane('ldam-drw:maxm=0.3'), lane('remix-drw:kappa=2')], null));
    const formulas = (id: string) => cards.find((card) => card.lane === id)!.formulas.join(' ');
    expect(formulas('la:tau=1.5')).toContain('τ = 1.5');
    expect(formulas('drw:start=0.5')).toContain('β = 0.9999');
    expect(formulas('drw:start=0.5')).toContain('from epoch 6 of 10');
    expect(formulas('ldam-drw:maxm=0.3')).toContain('max_m = 0.3, s = 30');
    expect(formulas('ldam-drw:maxm=0.3')).toContain('from epoch 9 of 10');
    expect(formulas('remix-drw:kappa=2')).toContain('κ = 2, τ = 0.5');
  });

  it('says what the run shows at the epoch on screen, against the baseline lane, and changes with the numbers', () => {
    const lanes = [lane('erm'), lane('drw')];
    const before = snapshot(3, { erm: run(), drw: run({ testAccuracy: [0.9, 0.9, 0.2, 0.2] }) });
    const after = snapshot(9, { erm: run(), drw: run({ testAccuracy: [0.8, 0.8, 0.6, 0.5], classWeights: [0.1, 0.1, 1.9, 1.9] }) });
    const early = cardOf(lanes, before, 'drw').shows!;
    const late = cardOf(lanes, after, 'drw').shows!;
    expect(early).toContain('At epoch 3');
    expect(early).toContain('20.0\u00a0%');
    expect(early).toContain('10.0 points below ERM’s 30.0\u00a0%');
    expect(early).toContain('No class weights yet (all 1); they start at epoch 9');
    expect(late).toContain('At epoch 9');
    expect(late).toContain('25.0 points above ERM’s 30.0\u00a0%');
    expect(late).toContain('Class weights in force: 0.1, 0.1, 1.9, 1.9, so a minor-class image counts 19× a major-class one');
    expect(cardOf(lanes, after, 'erm').shows).toContain('the baseline’s minor classes reach 30.0\u00a0%');
    // A difference below what one decimal shows is level, not “0.0 points above”.
    const level = snapshot(9, { erm: run(), drw: run({ testAccuracy: [0.9, 0.9, 0.3 + 1e-9, 0.3] }) });
    expect(cardOf(lanes, level, 'drw').shows).toContain('level with ERM’s 30.0\u00a0%');
  });

  it('reads ERM’s bias prior and never claims what its numbers contradict', () => {
    const favoured = cardOf([lane('erm')], snapshot(1, { erm: run() }), 'erm').shows!;
    expect(favoured).toContain('average 0.5 for the major classes and -0.5 for the minor ones: the learnt prior favours the major classes');
    const even = cardOf([lane('erm')], snapshot(1, { erm: run({ classifier: { weight: [[1, 0], [-1, 0], [0, 1], [0, -1]], bias: [0, 0, 0.2, 0.2] } }) }), 'erm').shows!;
    expect(even).toContain('does not favour the major classes');
  });

  it('gives each mechanism’s numbers: LDAM’s margins and ‖f‖, LA’s offsets and biases, mixing shares, MFW’s gradient ratio', () => {
    const lanes = [lane('erm'), lane('ldam-drw'), lane('la'), lane('mfw'), lane('remix-drw')];
    const shown = snapshot(2, {
      erm: run(),
      'ldam-drw': run(),
      la: run({ classifier: { weight: [[1, 0], [-1, 0], [0, 1], [0, -1]], bias: [-1, -1, 2, 2] } }),
      mfw: run({ gradientNormRatio: 1.5, meanPartnerShare: [0.25, 0.25, 0, 0] }),
      'remix-drw': run({ relabelledFraction: 0.04, meanPartnerShare: [0.5, 0.5, 0.5, 0.5] }),
    });
    const shows = (id: string) => cardOf(lanes, shown, id).shows!;
    // Δ_c = 0.5·(10/N_c)^¼; the test features (3, 4) and (0, 10) have lengths 5 and 10.
    expect(shows('ldam-drw')).toContain('Margins Δ_c = 0.188, 0.188, 0.5, 0.5');
    expect(shows('ldam-drw')).toContain('mean length ‖f‖ = 7.5');
    // τ·log π_c with π = [500, 500, 10, 10]/1020.
    expect(shows('la')).toContain('τ·log π_c = -0.713, -0.713, -4.62, -4.62');
    expect(shows('la')).toContain('b_minor − b_major = 3, above ERM’s -1');
    expect(shows('mfw')).toContain('Mean partner share: 0.25 for the major classes, 0 for the minor ones');
    expect(shows('mfw')).toContain('Minor ÷ major feature-gradient norm: 1.5, below ERM’s 2');
    expect(shows('remix-drw')).toContain('4.0\u00a0% of its samples');
    const higher = snapshot(2, { ...shown.runs, mfw: run({ gradientNormRatio: 2.5 }) });
    expect(cardOf(lanes, higher, 'mfw').shows).toContain('2.5, not below ERM’s 2');
  });

  it('says so when there are no minor classes', () => {
    const card = methodCards({ snapshot: snapshot(1, { erm: run() }), lanes: [lane('erm')], trainCounts: [10, 10, 10, 10], epochs: EPOCHS })[0];
    expect(card.shows).toContain('no major/minor contrast');
  });
});
