import { describe, expect, it } from 'vitest';
import { CLASS_COLOURS, REGION_TINT, classShape, hexToRgb, markerPath, tint } from './theme.ts';

/** sRGB (0–255) to linear light (0–1). */
const linear = (v: number): number => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

/** Machado, Oliveira & Fernandes (2009) simulation matrices at full severity, on linear RGB. */
const VISION: Record<string, number[][]> = {
  normal: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
};

function labAsSeen(colour: string | [number, number, number], vision: number[][]): [number, number, number] {
  const rgb = (typeof colour === 'string' ? hexToRgb(colour) : colour).map(linear);
  const [r, g, b] = vision.map((row) => Math.min(1, Math.max(0, row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2])));
  const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const fx = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const fy = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const fz = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** CIEDE2000 colour difference (Sharma, Wu & Dalal 2005). */
function deltaE2000([l1, a1, b1]: number[], [l2, a2, b2]: number[]): number {
  const rad = Math.PI / 180;
  const cBar = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const g = 0.5 * (1 - Math.sqrt(cBar ** 7 / (cBar ** 7 + 25 ** 7)));
  const [p1, p2] = [a1 * (1 + g), a2 * (1 + g)];
  const [c1, c2] = [Math.hypot(p1, b1), Math.hypot(p2, b2)];
  const hue = (a: number, b: number): number => ((Math.atan2(b, a) / rad) + 360) % 360;
  const [h1, h2] = [hue(p1, b1), hue(p2, b2)];
  let dh = c1 * c2 === 0 ? 0 : h2 - h1;
  if (dh > 180) dh -= 360;
  if (dh < -180) dh += 360;
  const dH = 2 * Math.sqrt(c1 * c2) * Math.sin((dh / 2) * rad);
  const lMean = (l1 + l2) / 2;
  const cMean = (c1 + c2) / 2;
  const hMean = c1 * c2 === 0 ? h1 + h2 : Math.abs(h1 - h2) <= 180 ? (h1 + h2) / 2 : (h1 + h2 + (h1 + h2 < 360 ? 360 : -360)) / 2;
  const t = 1 - 0.17 * Math.cos((hMean - 30) * rad) + 0.24 * Math.cos(2 * hMean * rad) + 0.32 * Math.cos((3 * hMean + 6) * rad) - 0.2 * Math.cos((4 * hMean - 63) * rad);
  const sl = 1 + (0.015 * (lMean - 50) ** 2) / Math.sqrt(20 + (lMean - 50) ** 2);
  const sc = 1 + 0.045 * cMean;
  const sh = 1 + 0.015 * cMean * t;
  const rt = -Math.sin(2 * 30 * Math.exp(-(((hMean - 275) / 25) ** 2)) * rad) * 2 * Math.sqrt(cMean ** 7 / (cMean ** 7 + 25 ** 7));
  const [x, y, z] = [(l2 - l1) / sl, (c2 - c1) / sc, dH / sh];
  return Math.sqrt(x * x + y * y + z * z + rt * y * z);
}

function relativeLuminance(hex: string): number {
  const [r, g, b] = hexToRgb(hex).map(linear);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe('class palette', () => {
  it('passes a published CIEDE2000 reference pair', () => {
    // Sharma et al. (2005), test pair 1: ΔE00 = 2.0425.
    expect(deltaE2000([50, 2.6772, -79.7751], [50, 0, -82.7485])).toBeCloseTo(2.0425, 3);
  });

  for (const [vision, matrix] of Object.entries(VISION)) {
    it(`keeps the four classes far apart with ${vision}`, () => {
      const seen = CLASS_COLOURS.map((hex) => labAsSeen(hex, matrix));
      for (let i = 0; i < seen.length; i++) {
        for (let j = i + 1; j < seen.length; j++) {
          expect(deltaE2000(seen[i], seen[j]), `${CLASS_COLOURS[i]} vs ${CLASS_COLOURS[j]}`).toBeGreaterThanOrEqual(25);
        }
      }
    });
  }

  for (const vision of ['normal', 'protanopia', 'deuteranopia']) {
    it(`keeps the pale decision-region tints apart with ${vision}`, () => {
      const seen = CLASS_COLOURS.map((hex) => labAsSeen(tint(hex, REGION_TINT), VISION[vision]));
      for (let i = 0; i < seen.length; i++) {
        for (let j = i + 1; j < seen.length; j++) expect(deltaE2000(seen[i], seen[j]), `${CLASS_COLOURS[i]} vs ${CLASS_COLOURS[j]}`).toBeGreaterThanOrEqual(6);
      }
    });
  }

  it('has at least 3:1 contrast against white for every class (lines and points on a projector)', () => {
    for (const hex of CLASS_COLOURS) expect(1.05 / (relativeLuminance(hex) + 0.05), hex).toBeGreaterThanOrEqual(3);
  });
});

describe('marker shapes', () => {
  it('gives each of the four classes its own shape', () => {
    expect(new Set([0, 1, 2, 3].map(classShape)).size).toBe(4);
  });
  it('centres every shape on the point and closes its path', () => {
    for (const shape of [0, 1, 2, 3].map(classShape)) {
      const d = markerPath(shape, 10, 20, 4);
      expect(d.endsWith('Z')).toBe(true);
      const numbers = (d.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
      expect(Math.max(...numbers), shape).toBeLessThan(30);
    }
    expect(markerPath('diamond', 0, 0, 1)).toBe('M0,-1.25L1.25,0L0,1.25L-1.25,0Z');
  });
});
