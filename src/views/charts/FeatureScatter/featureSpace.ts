/**
 * Pure geometry of the 2-D feature space: the linear classifier's prediction, its decision regions
 * on a grid and its exact boundaries, and the axis domain shared by the ERM and MFW plots.
 * No DOM here, so all of it is unit-tested in Node.
 */
import type { RunSnapshot } from '../../../engine/snapshot.ts';

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

/**
 * Decision regions sampled at the centres of a cols × rows grid over the domain; row 0 is the top
 * (largest y), as on screen. Returns the class index per cell, row-major.
 */
export function decisionRegionGrid(classifier: LinearClassifier, domain: Domain, cols: number, rows: number): Uint8Array {
  const grid = new Uint8Array(cols * rows);
  const [x0, x1] = domain.x;
  const [y0, y1] = domain.y;
  for (let r = 0; r < rows; r++) {
    const y = y1 - ((r + 0.5) / rows) * (y1 - y0);
    for (let c = 0; c < cols; c++) {
      const x = x0 + ((c + 0.5) / cols) * (x1 - x0);
      grid[r * cols + c] = predictClass(classifier, x, y);
    }
  }
  return grid;
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

/**
 * One padded domain covering both runs' training and test features, so the ERM and MFW plots of
 * an epoch share axes and distances can be compared by eye. Non-finite values are ignored.
 */
export function sharedFeatureDomain(snapshots: readonly RunSnapshot[], padding = 0.06): Domain {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const run of snapshots) {
    for (const features of [run.trainFeatures, run.testFeatures]) {
      for (let i = 0; i + 1 < features.length; i += 2) {
        const x = features[i];
        const y = features[i + 1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        if (x < xMin) xMin = x;
        if (x > xMax) xMax = x;
        if (y < yMin) yMin = y;
        if (y > yMax) yMax = y;
      }
    }
  }
  if (xMin > xMax) return { x: [-1, 1], y: [-1, 1] };
  const pad = (lo: number, hi: number): [number, number] => {
    const span = hi - lo;
    // A single point (or a collapsed axis, as at initialisation) still gets a visible window.
    const margin = span > 1e-9 ? span * padding : Math.max(Math.abs(lo) * 0.1, 1);
    return [lo - margin, hi + margin];
  };
  return { x: pad(xMin, xMax), y: pad(yMin, yMax) };
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
