/**
 * Pure geometry of the 2-D feature space: the linear classifier's prediction, its exact decision
 * regions and boundaries, the axis domain shared by the ERM and MFW plots (per epoch or over all
 * epochs) and keyboard navigation among the points.
 * No DOM here, so all of it is unit-tested in Node.
 */
import type { EpochSnapshot, RunSnapshot } from '../../../core/snapshot.ts';

export interface Domain {
  x: [number, number];
  y: [number, number];
}

/** logits_c = weight[c] · f + bias[c] (the network's last layer on the plotted 2-D feature). */
export interface LinearClassifier {
  weight: readonly (readonly [number, number])[];
  bias: readonly number[];
}

/** The predicted class at feature (x, y): argmax of the logits, the lowest index on an exact tie. */
export function predictClass(classifier: LinearClassifier, x: number, y: number): number {
  let best = 0;
  let bestLogit = -Infinity;
  for (let c = 0; c < classifier.weight.length; c++) {
    const [w0, w1] = classifier.weight[c];
    const logit = w0 * x + w1 * y + classifier.bias[c];
    if (logit > bestLogit) {
      bestLogit = logit;
      best = c;
    }
  }
  return best;
}

/** Predicted class of every point of interleaved features (x0, y0, x1, y1, …). */
export function predictAll(classifier: LinearClassifier, features: Float32Array): Uint8Array {
  const n = features.length >> 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = predictClass(classifier, features[2 * i], features[2 * i + 1]);
  return out;
}

export interface RegionPolygon {
  classIndex: number;
  /** Corners in feature space, in order around the region. */
  vertices: [number, number][];
}

/** Keeps the part of a convex polygon where a·x + b·y + c ≥ 0 (one Sutherland–Hodgman pass). */
function clipToHalfPlane(polygon: [number, number][], a: number, b: number, c: number): [number, number][] {
  const out: [number, number][] = [];
  polygon.forEach((current, i) => {
    const next = polygon[(i + 1) % polygon.length];
    const s0 = a * current[0] + b * current[1] + c;
    const s1 = a * next[0] + b * next[1] + c;
    if (s0 >= 0) out.push(current);
    if ((s0 >= 0) !== (s1 >= 0)) {
      const t = s0 / (s0 - s1);
      out.push([current[0] + t * (next[0] - current[0]), current[1] + t * (next[1] - current[1])]);
    }
  });
  return out;
}

/**
 * The exact decision regions inside the domain, as polygons: a linear classifier's region of class
 * c is the intersection of the half-planes logit_c ≥ logit_k, so it is convex and one polygon. Drawn
 * as vectors, the regions stay sharp at any zoom and in exported SVG files.
 */
export function decisionRegionPolygons(classifier: LinearClassifier, domain: Domain): RegionPolygon[] {
  const { weight, bias } = classifier;
  const [x0, x1] = domain.x;
  const [y0, y1] = domain.y;
  const regions: RegionPolygon[] = [];
  for (let c = 0; c < weight.length; c++) {
    let polygon: [number, number][] = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
    for (let k = 0; k < weight.length && polygon.length > 0; k++) {
      if (k === c) continue;
      polygon = clipToHalfPlane(polygon, weight[c][0] - weight[k][0], weight[c][1] - weight[k][1], bias[c] - bias[k]);
    }
    if (polygon.length >= 3) regions.push({ classIndex: c, vertices: polygon });
  }
  return regions;
}

export interface BoundarySegment {
  /** The two classes whose logits tie along the segment (a < b). */
  classes: [number, number];
  from: [number, number];
  to: [number, number];
}

const EPS = 1e-12;

/**
 * The exact decision boundaries inside the domain. Between classes a and b the tie
 * (w_a − w_b)·f + (b_a − b_b) = 0 is a line; it is a boundary only where a and b also beat every
 * other class, i.e. inside the intersection of half-planes, which cuts the line to one segment.
 * Line and half-planes are all linear in the line's parameter t, so each is an interval on t.
 */
export function decisionBoundarySegments(classifier: LinearClassifier, domain: Domain): BoundarySegment[] {
  const { weight, bias } = classifier;
  const segments: BoundarySegment[] = [];
  for (let a = 0; a < weight.length; a++) {
    for (let b = a + 1; b < weight.length; b++) {
      const na = weight[a][0] - weight[b][0];
      const nb = weight[a][1] - weight[b][1];
      const nc = bias[a] - bias[b];
      const norm2 = na * na + nb * nb;
      if (norm2 < EPS) continue; // identical weights: a and b never tie along a line
      // A point on the line and its direction.
      const px = (-nc * na) / norm2;
      const py = (-nc * nb) / norm2;
      const dx = -nb;
      const dy = na;
      let tMin = -Infinity;
      let tMax = Infinity;
      // Keep g(t) = slope·t + offset ≥ 0.
      const keep = (slope: number, offset: number): void => {
        if (Math.abs(slope) < EPS) {
          if (offset < 0) tMax = -Infinity;
          return;
        }
        const t = -offset / slope;
        if (slope > 0) tMin = Math.max(tMin, t);
        else tMax = Math.min(tMax, t);
      };
      keep(dx, px - domain.x[0]);
      keep(-dx, domain.x[1] - px);
      keep(dy, py - domain.y[0]);
      keep(-dy, domain.y[1] - py);
      for (let k = 0; k < weight.length; k++) {
        if (k === a || k === b) continue;
        // logit_a − logit_k ≥ 0 (on the line logit_a = logit_b).
        const ka = weight[a][0] - weight[k][0];
        const kb = weight[a][1] - weight[k][1];
        const kc = bias[a] - bias[k];
        keep(ka * dx + kb * dy, ka * px + kb * py + kc);
      }
      if (!(tMax - tMin > EPS)) continue;
      segments.push({
        classes: [a, b],
        from: [px + tMin * dx, py + tMin * dy],
        to: [px + tMax * dx, py + tMax * dy],
      });
    }
  }
  return segments;
}

/** The smallest box around finite points; empty (min > max) when there are none. */
interface Extent {
  x: [number, number];
  y: [number, number];
}


function runsExtent(runs: readonly RunSnapshot[]): Extent {
  const extent: Extent = { x: [Infinity, -Infinity], y: [Infinity, -Infinity] };
  for (const run of runs) {
    for (const features of [run.trainFeatures, run.testFeatures]) {
      for (let i = 0; i + 1 < features.length; i += 2) {
        const x = features[i];
        const y = features[i + 1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        if (x < extent.x[0]) extent.x[0] = x;
        if (x > extent.x[1]) extent.x[1] = x;
        if (y < extent.y[0]) extent.y[0] = y;
        if (y > extent.y[1]) extent.y[1] = y;
      }
    }
  }
  return extent;
}

function paddedDomain(extent: Extent, padding: number): Domain {
  if (extent.x[0] > extent.x[1]) return { x: [-1, 1], y: [-1, 1] };
  const pad = ([lo, hi]: [number, number]): [number, number] => {
    const span = hi - lo;
    // A single point (or a collapsed axis, as at initialisation) still gets a visible window.
    const margin = span > 1e-9 ? span * padding : Math.max(Math.abs(lo) * 0.1, 1);
    return [lo - margin, hi + margin];
  };
  return { x: pad(extent.x), y: pad(extent.y) };
}

/**
 * One padded domain covering the given lanes' training and test features, so the lanes' plots of
 * an epoch share axes and distances can be compared by eye. Non-finite values are ignored.
 */
export function sharedFeatureDomain(runs: readonly RunSnapshot[], padding = 0.06): Domain {
  return paddedDomain(runsExtent(runs), padding);
}

/** Each epoch's coordinates, sorted per axis (per lane or all lanes), are gathered once: a growing history only adds its newest epoch. */
const epochAxes = new WeakMap<EpochSnapshot, Map<string, SortedAxes>>();

/** One epoch's finite feature coordinates of every lane (or of one), each axis sorted ascending. */
interface SortedAxes {
  x: Float64Array;
  y: Float64Array;
}

function sortedAxesOf(snapshot: EpochSnapshot, lane: string | null): SortedAxes {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const run of lane === null ? Object.values(snapshot.runs) : [snapshot.runs[lane]].filter(Boolean)) {
    for (const features of [run.trainFeatures, run.testFeatures]) {
      for (let i = 0; i + 1 < features.length; i += 2) {
        const x = features[i];
        const y = features[i + 1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        xs.push(x);
        ys.push(y);
      }
    }
  }
  return { x: Float64Array.from(xs).sort(), y: Float64Array.from(ys).sort() };
}

/** How many values of a sorted array are ≤ v. */
function countAtMost(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The value of 0-based rank `rank` among all values of several sorted arrays (as if merged), found by
 * halving the value range and then snapping to the nearest stored value, so no merge is needed.
 */
function rankValue(arrays: readonly Float64Array[], rank: number, min: number, max: number): number {
  const countOf = (v: number) => arrays.reduce((sum, a) => sum + countAtMost(a, v), 0);
  if (countOf(min) >= rank + 1) return min;
  // From here on: fewer than rank + 1 values ≤ lo, at least rank + 1 values ≤ hi.
  let lo = min;
  let hi = max;
  for (let i = 0; i < 80 && lo < hi; i++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (countOf(mid) >= rank + 1) hi = mid;
    else lo = mid;
  }
  // The rank's value is the smallest stored value above lo.
  let value = Infinity;
  for (const a of arrays) {
    const at = countAtMost(a, lo);
    if (at < a.length && a[at] < value) value = a[at];
  }
  return Number.isFinite(value) ? Math.min(value, max) : max;
}

/** The share of points (per axis) the "same axes" range covers; the rest, outliers at either end, may fall outside. */
export const SAME_AXES_COVERAGE = 0.98;

/**
 * One domain over every stored epoch of every lane (or of `lane` alone): with it the axes stay put while scrubbing, so
 * features visibly move outward as training goes on (paper Figs 5, 6). Per axis it covers the central
 * `coverage` of all those points (1 % cut at each end by default; fewer than 100 points: all of them),
 * so a few far outliers do not squeeze the rest into a corner; then the padding is added.
 */
export function epochsFeatureDomain(history: readonly EpochSnapshot[], padding = 0.06, lane: string | null = null, coverage = SAME_AXES_COVERAGE): Domain {
  const key = lane ?? '';
  const axes = history.map((snapshot) => {
    const cached = epochAxes.get(snapshot) ?? new Map<string, SortedAxes>();
    epochAxes.set(snapshot, cached);
    let sorted = cached.get(key);
    if (!sorted) {
      sorted = sortedAxesOf(snapshot, lane);
      cached.set(key, sorted);
    }
    return sorted;
  });
  const total = axes.reduce((sum, a) => sum + a.x.length, 0);
  if (total === 0) return paddedDomain({ x: [Infinity, -Infinity], y: [Infinity, -Infinity] }, padding);
  const cut = Math.floor(((1 - coverage) / 2) * total);
  const range = (arrays: Float64Array[]): [number, number] => {
    const min = Math.min(...arrays.filter((a) => a.length > 0).map((a) => a[0]));
    const max = Math.max(...arrays.filter((a) => a.length > 0).map((a) => a[a.length - 1]));
    if (cut === 0) return [min, max];
    return [rankValue(arrays, cut, min, max), rankValue(arrays, total - 1 - cut, min, max)];
  };
  return paddedDomain({ x: range(axes.map((a) => a.x)), y: range(axes.map((a) => a.y)) }, padding);
}

export type Direction = 'left' | 'right' | 'up' | 'down';

const DIRECTION_VECTORS: Record<Direction, [number, number]> = { left: [-1, 0], right: [1, 0], up: [0, -1], down: [0, 1] };

/**
 * For keyboard navigation among plotted points (screen coordinates, y down): the nearest point
 * ahead of `from` in the direction, favouring points within 45° of it; null when none lies ahead.
 */
export function nextPointInDirection(xs: ArrayLike<number>, ys: ArrayLike<number>, from: number, direction: Direction): number | null {
  const [dx, dy] = DIRECTION_VECTORS[direction];
  let best: number | null = null;
  let bestCost = Infinity;
  for (let i = 0; i < xs.length; i++) {
    if (i === from || !Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) continue;
    const ox = xs[i] - xs[from];
    const oy = ys[i] - ys[from];
    const ahead = ox * dx + oy * dy;
    if (ahead <= 0) continue;
    const aside = Math.abs(ox * dy - oy * dx);
    // Off-axis points cost more, and points outside the 45° cone much more, so ← → ↑ ↓ feel straight.
    const cost = ahead + 2 * aside + (aside > ahead ? 1e6 : 0);
    if (cost < bestCost) {
      bestCost = cost;
      best = i;
    }
  }
  return best;
}

/**
 * Drawing layers for points: classes with many points first, so minor classes are painted last and
 * stay visible on top. Classes of equal size share a layer and are interleaved when drawn, so in a
 * balanced test set no class buries the others.
 */
export function classDrawLayers(labels: Uint8Array, numClasses: number): number[][] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of labels) if (label < numClasses) counts[label]++;
  const layers = new Map<number, number[]>();
  for (let c = 0; c < numClasses; c++) {
    if (counts[c] === 0) continue;
    layers.set(counts[c], [...(layers.get(counts[c]) ?? []), c]);
  }
  return [...layers.entries()].sort((p, q) => q[0] - p[0]).map(([, classes]) => classes);
}

/**
 * The point picked across several scatters of the same points (the lanes' scatters of one split,
 * which share the point order): a pick in one scatter replaces any other; a scatter's pick ending
 * clears it only if that scatter made it, so another's later pick stays.
 */
export interface LinkedPick<S extends string = string> {
  split: S;
  lane: string;
  index: number;
}

export function nextLinkedPick<S extends string>(current: LinkedPick<S> | null, split: S, lane: string, index: number | null): LinkedPick<S> | null {
  if (index !== null) return current && current.split === split && current.lane === lane && current.index === index ? current : { split, lane, index };
  return current && current.split === split && current.lane === lane ? null : current;
}

/** The index a scatter rings for another scatter's pick: same split, another lane; else null. */
export function linkedIndexFor<S extends string>(pick: LinkedPick<S> | null, split: S, lane: string): number | null {
  return pick && pick.split === split && pick.lane !== lane ? pick.index : null;
}
