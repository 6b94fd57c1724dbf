import { spacedTicks } from './FeatureScatter.tsx';
import { describe, expect, it } from 'vitest';
import type { EpochSnapshot, RunSnapshot } from '../../../core/snapshot.ts';
import { runSnapshot } from '../../../state/runFixture.ts';
import { Rng } from '../../../util/rng.ts';
import {
  classDrawLayers,
  decisionBoundarySegments,
  decisionRegionPolygons,
  epochsFeatureDomain,
  nextPointInDirection,
  predictAll,
  predictClass,
  sharedFeatureDomain,
  type BoundarySegment,
  type Domain,
  type LinearClassifier,
  linkedIndexFor,
  nextLinkedPick,
} from './featureSpace.ts';

const square: Domain = { x: [-1, 1], y: [-1, 1] };

const logits = (k: LinearClassifier, x: number, y: number): number[] =>
  k.weight.map(([w0, w1], c) => w0 * x + w1 * y + k.bias[c]);

describe('predictClass', () => {
  const threeWay: LinearClassifier = { weight: [[1, 0], [-1, 0], [0, 1]], bias: [0, 0, 0] };
  it('takes the argmax of the logits', () => {
    expect(predictClass(threeWay, 2, 0)).toBe(0);
    expect(predictClass(threeWay, -2, 0)).toBe(1);
    expect(predictClass(threeWay, 0, 2)).toBe(2);
    expect(predictClass(threeWay, 0.5, 3)).toBe(2);
  });
  it('breaks exact ties toward the lower class index', () => {
    expect(predictClass(threeWay, 0, 0)).toBe(0);
  });
  it('uses the bias', () => {
    expect(predictClass({ weight: [[1, 0], [0, 0]], bias: [0, 5] }, 4, 0)).toBe(1);
    expect(predictClass({ weight: [[1, 0], [0, 0]], bias: [0, 5] }, 6, 0)).toBe(0);
  });
  it('predicts every interleaved point', () => {
    expect([...predictAll(threeWay, new Float32Array([2, 0, -2, 0, 0, 2]))]).toEqual([0, 1, 2]);
  });
});

/** Shoelace area of a polygon. */
const area = (vertices: [number, number][]): number =>
  Math.abs(vertices.reduce((sum, [x, y], i) => {
    const [nx, ny] = vertices[(i + 1) % vertices.length];
    return sum + x * ny - nx * y;
  }, 0)) / 2;

describe('decisionRegionPolygons', () => {
  it('splits the domain at a two-class boundary', () => {
    const regions = decisionRegionPolygons({ weight: [[1, 0], [0, 0]], bias: [-0.25, 0] }, square);
    expect(regions.map((r) => r.classIndex)).toEqual([0, 1]);
    expect(area(regions[0].vertices)).toBeCloseTo(0.75 * 2);
    expect(area(regions[1].vertices)).toBeCloseTo(1.25 * 2);
  });
  it('leaves out a class that never wins inside the domain', () => {
    const regions = decisionRegionPolygons({ weight: [[1, 0], [-1, 0], [0, 0]], bias: [0, 0, -10] }, square);
    expect(regions.map((r) => r.classIndex)).toEqual([0, 1]);
  });
  it('tiles the domain exactly, each region predicting its own class, for random classifiers', () => {
    const rng = new Rng(3);
    const domain: Domain = { x: [-2, 3], y: [-1.5, 2] };
    for (let trial = 0; trial < 40; trial++) {
      const classes = 2 + rng.int(4);
      const classifier: LinearClassifier = {
        weight: Array.from({ length: classes }, () => [rng.normal() * 3, rng.normal() * 3] as [number, number]),
        bias: Array.from({ length: classes }, () => rng.normal()),
      };
      const regions = decisionRegionPolygons(classifier, domain);
      expect(regions.reduce((sum, r) => sum + area(r.vertices), 0)).toBeCloseTo(5 * 3.5, 6);
      for (const { classIndex, vertices } of regions) {
        if (area(vertices) < 1e-6) continue;
        const cx = vertices.reduce((s, v) => s + v[0], 0) / vertices.length;
        const cy = vertices.reduce((s, v) => s + v[1], 0) / vertices.length;
        expect(predictClass(classifier, cx, cy)).toBe(classIndex);
      }
    }
  });
});

const sortedEnds = (s: BoundarySegment): number[][] => [s.from, s.to].map((p) => p.map((v) => Math.round(v * 1e9) / 1e9)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);

describe('decisionBoundarySegments', () => {
  it('clips a two-class boundary to the domain', () => {
    const segments = decisionBoundarySegments({ weight: [[1, 0], [0, 0]], bias: [-0.25, 0] }, square);
    expect(segments).toHaveLength(1);
    expect(segments[0].classes).toEqual([0, 1]);
    expect(sortedEnds(segments[0])).toEqual([[0.25, -1], [0.25, 1]]);
  });

  it('ends three symmetric classes’ boundaries at the common point', () => {
    const angle = (k: number): [number, number] => [Math.cos((2 * Math.PI * k) / 3), Math.sin((2 * Math.PI * k) / 3)];
    const segments = decisionBoundarySegments({ weight: [angle(0), angle(1), angle(2)], bias: [0, 0, 0] }, square);
    expect(segments).toHaveLength(3);
    for (const s of segments) {
      const nearOrigin = [s.from, s.to].filter(([x, y]) => Math.hypot(x, y) < 1e-9);
      expect(nearOrigin).toHaveLength(1);
    }
  });

  it('leaves out a class that never wins and lines outside the domain', () => {
    const dominated: LinearClassifier = { weight: [[1, 0], [-1, 0], [0, 0]], bias: [0, 0, -10] };
    expect(decisionBoundarySegments(dominated, square).map((s) => s.classes)).toEqual([[0, 1]]);
    expect(decisionBoundarySegments({ weight: [[1, 0], [0, 0]], bias: [-5, 0] }, square)).toEqual([]);
    expect(decisionBoundarySegments({ weight: [[1, 1], [1, 1]], bias: [0, 1] }, square)).toEqual([]);
  });

  it('is exact and complete for random classifiers', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 40; trial++) {
      const classes = 2 + rng.int(4);
      const classifier: LinearClassifier = {
        weight: Array.from({ length: classes }, () => [rng.normal() * 3, rng.normal() * 3] as [number, number]),
        bias: Array.from({ length: classes }, () => rng.normal()),
      };
      const domain: Domain = { x: [-2, 3], y: [-1.5, 2] };
      const segments = decisionBoundarySegments(classifier, domain);
      // Exact: along each segment its two classes tie and beat every other class.
      for (const s of segments) {
        for (const t of [0, 0.25, 0.5, 0.75, 1]) {
          const x = s.from[0] + t * (s.to[0] - s.from[0]);
          const y = s.from[1] + t * (s.to[1] - s.from[1]);
          expect(x).toBeGreaterThanOrEqual(domain.x[0] - 1e-9);
          expect(y).toBeLessThanOrEqual(domain.y[1] + 1e-9);
          const l = logits(classifier, x, y);
          const [a, b] = s.classes;
          expect(Math.abs(l[a] - l[b])).toBeLessThan(1e-6);
          expect(l[a]).toBeGreaterThanOrEqual(Math.max(...l) - 1e-6);
        }
      }
      // Complete: wherever neighbouring grid cells disagree, a segment passes nearby.
      const cols = 60;
      const rows = 60;
      const cellW = (domain.x[1] - domain.x[0]) / cols;
      const cellH = (domain.y[1] - domain.y[0]) / rows;
      const grid = Array.from({ length: cols * rows }, (_, i) =>
        predictClass(classifier, domain.x[0] + ((i % cols) + 0.5) * cellW, domain.y[1] - (Math.floor(i / cols) + 0.5) * cellH));
      const distanceToSegments = (x: number, y: number): number =>
        Math.min(
          Infinity,
          ...segments.map(({ from, to }) => {
            const dx = to[0] - from[0];
            const dy = to[1] - from[1];
            const t = Math.max(0, Math.min(1, ((x - from[0]) * dx + (y - from[1]) * dy) / (dx * dx + dy * dy)));
            return Math.hypot(x - from[0] - t * dx, y - from[1] - t * dy);
          }),
        );
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c + 1 < cols; c++) {
          if (grid[r * cols + c] === grid[r * cols + c + 1]) continue;
          const x = domain.x[0] + (c + 1) * cellW;
          const y = domain.y[1] - (r + 0.5) * cellH;
          expect(distanceToSegments(x, y)).toBeLessThan(Math.hypot(cellW, cellH));
        }
      }
    }
  });
});

const run = (train: number[], test: number[]): RunSnapshot => runSnapshot({ trainFeatures: new Float32Array(train), testFeatures: new Float32Array(test) });

describe('sharedFeatureDomain', () => {
  it('covers both runs’ train and test features, padded', () => {
    const domain = sharedFeatureDomain([run([0, 0, 1, 2], [-1, 0]), run([3, -2], [0, 4])], 0.1);
    expect(domain.x[0]).toBeCloseTo(-1 - 0.4);
    expect(domain.x[1]).toBeCloseTo(3 + 0.4);
    expect(domain.y[0]).toBeCloseTo(-2 - 0.6);
    expect(domain.y[1]).toBeCloseTo(4 + 0.6);
  });
  it('ignores non-finite features', () => {
    const domain = sharedFeatureDomain([run([0, 0, Number.NaN, 5, 1, Infinity, 2, 1], [])], 0);
    expect(domain).toEqual({ x: [0, 2], y: [0, 1] });
  });
  it('still gives a window for no points or a collapsed axis', () => {
    expect(sharedFeatureDomain([])).toEqual({ x: [-1, 1], y: [-1, 1] });
    const collapsed = sharedFeatureDomain([run([2, 0, 2, 1], [])], 0);
    expect(collapsed.x[0]).toBeLessThan(2);
    expect(collapsed.x[1]).toBeGreaterThan(2);
  });
});

const epochOf = (erm: number[], mfw: number[], more: Record<string, RunSnapshot> = {}): EpochSnapshot => ({
  epoch: 1,
  learningRate: 0.1,
  imagesPerSecond: 0,
  trainFeatureLabels: new Uint8Array(),
  testLabels: new Uint8Array(),
  runs: { erm: run(erm, []), mfw: run([], mfw), ...more },
});

describe('epochsFeatureDomain', () => {
  it('covers every epoch of every lane, so the axes stay put while scrubbing', () => {
    const history = [epochOf([0, 0, 1, 1], [0.5, 0.5]), epochOf([-4, 2], [8, -6])];
    expect(epochsFeatureDomain(history, 0)).toEqual({ x: [-4, 8], y: [-6, 2] });
    expect(epochsFeatureDomain(history.slice(0, 1), 0)).toEqual({ x: [0, 1], y: [0, 1] });
    expect(epochsFeatureDomain([], 0)).toEqual({ x: [-1, 1], y: [-1, 1] });
  });
  it('covers every lane, or one lane alone when asked (a column of small multiples)', () => {
    const history = [epochOf([0, 0], [1, 1], { la: run([-5, 0], [0, 9]) }), epochOf([2, 2], [0, 0])];
    expect(epochsFeatureDomain(history, 0)).toEqual({ x: [-5, 2], y: [0, 9] });
    expect(epochsFeatureDomain(history, 0, 'erm')).toEqual({ x: [0, 2], y: [0, 2] });
    expect(epochsFeatureDomain(history, 0, 'la')).toEqual({ x: [-5, 0], y: [0, 9] });
    expect(epochsFeatureDomain(history, 0, 'mfw')).toEqual({ x: [0, 1], y: [0, 1] });
  });
  it('equals the per-epoch domain for a single epoch', () => {
    const snapshot = epochOf([1, 2, 3, -1], [0, 5]);
    expect(epochsFeatureDomain([snapshot])).toEqual(sharedFeatureDomain([snapshot.runs.erm, snapshot.runs.mfw]));
  });
  it('covers the central 98 % of all stored points per axis, not every outlier', () => {
    // 3 epochs × 2 lanes × 100 points on a grid 0…99 in x, 0…9.9 in y, and one far outlier per axis.
    const grid = (shift: number) => Array.from({ length: 100 }, (_, i) => [i, (i + shift) / 10]).flat();
    const history = [0, 1, 2].map((e) => epochOf(grid(e), grid(e)));
    history[2].runs.erm.trainFeatures[0] = 10_000;
    history[1].runs.mfw.testFeatures[1] = -500;
    const domain = epochsFeatureDomain(history, 0);
    // 1 % of 600 = 6 values cut at each end: x from 1 (five 0s left, the sixth is now the outlier) to 99, the outlier cut.
    expect(domain.x[0]).toBe(1);
    expect(domain.x[1]).toBe(99);
    expect(domain.y[0]).toBeCloseTo(0.2);
    expect(domain.y[1]).toBeCloseTo(9.9);
    // All of them when asked.
    const all = epochsFeatureDomain(history, 0, undefined, 1);
    expect([all.x, all.y[0]]).toEqual([[0, 10_000], -500]);
    expect(all.y[1]).toBeCloseTo(10.1);
  });
  it('finds the ranks exactly among ties and across epochs', () => {
    const values = Array.from({ length: 400 }, (_, i) => Math.round(Math.sin(i * 12.9898) * 43758.5453) % 7);
    const history = [0, 1].map((e) => epochOf(values.slice(e * 200, e * 200 + 100).flatMap((v) => [v, -v]), values.slice(e * 200 + 100, e * 200 + 200).flatMap((v) => [v, -v])));
    const sorted = [...values].sort((a, b) => a - b);
    const domain = epochsFeatureDomain(history, 0, undefined, 0.9);
    expect(domain.x).toEqual([sorted[20], sorted[379]]);
    expect(domain.y).toEqual([-sorted[379], -sorted[20]]);
  });
});

describe('nextPointInDirection', () => {
  // 0 is in the middle; 1 right, 2 far right in line, 3 above (y down on screen), 4 up-left, 5 nearer but off to the lower right.
  const xs = [0, 10, 30, 1, -8, 5];
  const ys = [0, 3, 0, -10, -9, 6];
  it('moves to the nearest point ahead, preferring the straight direction', () => {
    expect(nextPointInDirection(xs, ys, 0, 'right')).toBe(1);
    expect(nextPointInDirection(xs, ys, 1, 'right')).toBe(2);
    expect(nextPointInDirection(xs, ys, 0, 'up')).toBe(3);
    expect(nextPointInDirection(xs, ys, 0, 'left')).toBe(4);
  });
  it('takes a point off to the side only when none lies within 45°', () => {
    expect(nextPointInDirection(xs, ys, 3, 'down')).toBe(0);
    expect(nextPointInDirection(xs, ys, 2, 'down')).toBe(1);
  });
  it('returns null at the edge', () => {
    expect(nextPointInDirection(xs, ys, 2, 'right')).toBeNull();
    expect(nextPointInDirection(xs, ys, 5, 'down')).toBeNull();
  });
});

describe('classDrawLayers', () => {
  it('draws the most frequent classes first, so minor classes end on top', () => {
    expect(classDrawLayers(new Uint8Array([2, 0, 0, 1, 0, 1, 3]), 4)).toEqual([[0], [1], [2, 3]]);
    expect(classDrawLayers(new Uint8Array([3, 3, 3, 0, 1, 1]), 4)).toEqual([[3], [1], [0]]);
  });
  it('puts equally large classes in one layer, to be interleaved', () => {
    expect(classDrawLayers(new Uint8Array([3, 2, 1, 0]), 4)).toEqual([[0, 1, 2, 3]]);
    expect(classDrawLayers(new Uint8Array([0, 0, 1, 1, 2, 3]), 4)).toEqual([[0, 1], [2, 3]]);
  });
});

describe('a point picked across the lanes’ scatters', () => {
  it('rings the same index in the other lanes of the same split only', () => {
    const pick = nextLinkedPick(null, 'test', 'erm', 7);
    expect(pick).toEqual({ split: 'test', lane: 'erm', index: 7 });
    expect(linkedIndexFor(pick, 'test', 'mfw')).toBe(7);
    expect(linkedIndexFor(pick, 'test', 'erm')).toBeNull();
    expect(linkedIndexFor(pick, 'train', 'mfw')).toBeNull();
    expect(nextLinkedPick(pick, 'test', 'erm', 7)).toBe(pick);
  });

  it('is replaced by a later pick, and cleared only by the scatter that made it', () => {
    const first = nextLinkedPick(null, 'train', 'erm', 3);
    const second = nextLinkedPick(first, 'train', 'la', 9);
    expect(second).toEqual({ split: 'train', lane: 'la', index: 9 });
    // erm's pick ending (pointer left it after la picked) leaves la's pick.
    expect(nextLinkedPick(second, 'train', 'erm', null)).toBe(second);
    expect(nextLinkedPick(second, 'train', 'la', null)).toBeNull();
    expect(nextLinkedPick(null, 'test', 'mfw', null)).toBeNull();
  });
});

describe('x ticks of a narrow plot in large type', () => {
  it('drop every other tick until the labels fit, keeping at least two', () => {
    const format = (t: number) => String(t);
    // 20 px type, "-300" ≈ 50 px + 12 px gap a label: four labels need ≈ 250 px.
    expect(spacedTicks([-300, -200, -100, 0], format, 175, 20)).toEqual([-300, -100]);
    expect(spacedTicks([-300, -200, -100, 0], format, 400, 20)).toEqual([-300, -200, -100, 0]);
    expect(spacedTicks([-1000, 0], format, 40, 20)).toEqual([-1000, 0]);
  });
});
