import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, lanesOf, PAPER_CONFIG, type ExperimentConfig } from '../../src/config/experiment.ts';
import { protocolLabel, publishedFigures, table1Differences, TABLE1_PROTOCOL } from './published.ts';
import { configFromArguments } from './engine-cli.ts';

/** The figures of each lane of a configuration, by lane id. */
function figures(config: ExperimentConfig): Record<string, string[]> {
  return Object.fromEntries(lanesOf(config).map((lane) => [lane.id, publishedFigures(config, lane).map(({ value, tag }) => `${value} ${tag}`)]));
}

const TABLE1_ARGS = ['c=0,1,2,3,4,5,6,7,8,9', 'fd=64', 'sched=ldam', 'depth=5', 'ep=200'];

describe('published figures and Table 1’s protocol', () => {
  it('Table 1 for ERM, LDAM-DRW, MFW and MFW-DRW in its own protocol, with the LDAM paper’s at ρ = 100; none for other lanes', () => {
    const lt100 = configFromArguments([...TABLE1_ARGS, 'imb=long-tailed', 'rho=100', 'm=erm,ldam-drw,mfw,mfw-drw,rw,drw', 'sn=eq12', 'beta=2']);
    expect(table1Differences(lt100)).toEqual([]);
    expect(protocolLabel(lt100)).toBe('Table 1');
    expect(figures(lt100)).toEqual({
      erm: ['71.1 Table 1', '70.36 LDAM Table 2'],
      'ldam-drw': ['77 Table 1', '77.03 LDAM Table 2'],
      mfw: ['78.5 Table 1'],
      'mfw-drw': ['79.8 Table 1'],
      rw: ['72.37 LDAM Table 2'],
      drw: ['74.86 LDAM Table 5'],
    });
    const step200 = configFromArguments([...TABLE1_ARGS, 'imb=step', 'rho=200', 'm=erm,mfw-drw:alpha=1,remix-drw,la', 'sn=eq12', 'beta=0.01']);
    // Any α for MFW (tuned in the paper); nothing for Remix-DRW (from 300-epoch runs) or LA (no figure under this protocol).
    expect(figures(step200)).toEqual({ erm: ['60 Table 1'], 'mfw-drw:alpha=1': ['78.8 Table 1'], 'remix-drw': [], la: [] });
  });

  it('MFW’s figures only with Table 1’s MFW settings (Eq. 12, β = 2 long-tailed or 0.01 step, after group 2); other lanes only at their defaults', () => {
    const base = [...TABLE1_ARGS, 'imb=long-tailed', 'rho=10'];
    expect(figures(configFromArguments([...base, 'm=mfw', 'sn=two-level']))).toEqual({ mfw: [] });
    expect(figures(configFromArguments([...base, 'm=mfw', 'sn=eq12', 'beta=0.01']))).toEqual({ mfw: [] });
    expect(figures(configFromArguments([...base, 'm=mfw', 'sn=eq12', 'beta=2', 'k=3']))).toEqual({ mfw: [] });
    expect(figures(configFromArguments([...base, 'm=mfw', 'sn=eq12', 'beta=2']))).toEqual({ mfw: ['89.8 Table 1'] });
    expect(figures(configFromArguments([...base, 'm=ldam-drw:maxm=0.3,erm']))).toEqual({ 'ldam-drw:maxm=0.3': [], erm: ['87.2 Table 1'] });
  });

  it('labels the 2-D head as not comparable, and a 64-d run outside the protocol by what differs', () => {
    expect(protocolLabel(DEFAULT_CONFIG)).toBe('2-D head: not comparable to Table 1');
    const table1 = configFromArguments([...TABLE1_ARGS, 'imb=long-tailed', 'rho=100']);
    expect(protocolLabel({ ...table1, featureDim: 2 })).toBe('2-D head: not comparable to Table 1');
    expect(protocolLabel({ ...table1, classes: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0], epochs: 20, testPerClass: 100 })).toBe('64-d, not Table 1 (classes, epochs, testPerClass)');
    expect(protocolLabel({ ...PAPER_CONFIG, featureDim: 64 })).toBe('64-d, not Table 1 (classes, schedule, imbalance)');
    expect(figures({ ...table1, epochs: 20 })).toEqual({ erm: [], mfw: [] });
    expect(Object.keys(TABLE1_PROTOCOL)).toContain('featureDim');
  });
});
