import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ImbalanceChart } from './ImbalanceChart.tsx';

describe('ImbalanceChart', () => {
  const html = renderToStaticMarkup(
    createElement(ImbalanceChart, { classNames: ['airplane', 'automobile', 'bird', 'cat'], trainCounts: [5000, 5000, 50, 50], testCounts: [1000, 1000, 1000, 1000], maxCount: 5000 }),
  );
  const widths = [...html.matchAll(/data-testid="imbalance-bar" data-width="([\d.]+)"/g)].map((m) => Number(m[1]));

  it('draws bars on a linear scale by default, so 50 is a hundredth of 5,000', () => {
    expect(html).toContain('data-scale="linear"');
    expect(widths).toHaveLength(4);
    expect(widths[2] / widths[0]).toBeCloseTo(0.01, 2);
  });
  it('says which scale it uses and offers the log scale', () => {
    expect(html).toContain('linear scale');
    expect(html).toContain('data-testid="imbalance-log-scale"');
  });
});
