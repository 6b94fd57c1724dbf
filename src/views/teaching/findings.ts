/**
 * What THIS run shows, next to what the paper found: one sentence per plot, computed from the epoch
 * on screen, that says plainly whether the paper's effect is there yet ("MFW's minor-class gradient
 * norm is below / not below ERM's"). They compare the lanes whose methods are ERM and MFW, the
 * paper's pair, and say nothing when either is not training. Pure functions of the snapshots, so
 * they are unit-tested.
 */
import type { Lane } from '../../core/methods.ts';
import type { EpochSnapshot, RunSnapshot } from '../../core/snapshot.ts';
import { isMajorClass } from '../../core/mfwWeights.ts';
import { predictAll } from '../charts/FeatureScatter/featureSpace.ts';
import type { PlotKind } from './captions.ts';

export interface FindingInput {
  /** The epoch on screen (scrubbed or latest); null before the first epoch ends. */
  snapshot: EpochSnapshot | null;
  /** Every stored epoch, oldest first. */
  history: readonly EpochSnapshot[];
  trainCounts: readonly number[];
  /** The configuration's lanes, in order. */
  lanes: readonly Pick<Lane, 'id' | 'method'>[];
}

const NO_MINOR = 'All classes have equally many training images, so there is no major/minor contrast to read.';

function mean(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
}

/** A no-break space keeps "48.0 %" on one line. */
const percent = (fraction: number): string => (Number.isFinite(fraction) ? `${(fraction * 100).toFixed(1)}\u00a0%` : '—');
const points = (fraction: number): string => `${Math.abs(fraction * 100).toFixed(1)} points`;
const number = (value: number): string => (Number.isFinite(value) ? Number(value.toPrecision(3)).toString() : '—');

interface Groups {
  major: number[];
  minor: number[];
}

function groupsOf(trainCounts: readonly number[]): Groups | null {
  const isMajor = isMajorClass(trainCounts);
  const major = isMajor.flatMap((m, c) => (m ? [c] : []));
  const minor = isMajor.flatMap((m, c) => (m ? [] : [c]));
  return major.length > 0 && minor.length > 0 ? { major, minor } : null;
}

const groupMean = (values: readonly number[], classes: readonly number[]): number => mean(classes.map((c) => values[c]));

/** "MFW's X is below ERM's (a vs b)" or "… is not below ERM's …", the numbers always shown. */
function comparison(what: string, erm: number, mfw: number, better: 'lower' | 'higher', format: (v: number) => string): string {
  const holds = better === 'lower' ? mfw < erm : mfw > erm;
  const relation = better === 'lower' ? 'below' : 'above';
  return `MFW’s ${what} is ${holds ? '' : 'not (yet) '}${relation} ERM’s (${format(mfw)} vs ${format(erm)}).`;
}

/** Per run: how many plotted points of the given classes the classifier gets wrong, and where they go. */
function predictionsOf(run: RunSnapshot, split: 'train' | 'test'): Uint8Array {
  return predictAll(run.classifier, split === 'train' ? run.trainFeatures : run.testFeatures);
}

function minorPointStats(snapshot: EpochSnapshot, run: RunSnapshot, split: 'train' | 'test', groups: Groups) {
  const labels = split === 'train' ? snapshot.trainFeatureLabels : snapshot.testLabels;
  const predictions = predictionsOf(run, split);
  const isMinor = new Set(groups.minor);
  let total = 0;
  let wrong = 0;
  let inMajorRegion = 0;
  labels.forEach((label, i) => {
    if (!isMinor.has(label) || i >= predictions.length) return;
    total++;
    if (predictions[i] !== label) wrong++;
    if (!isMinor.has(predictions[i])) inMajorRegion++;
  });
  return { total, wrong, inMajorRegion };
}

/**
 * How far out the minor-class training features sit: their mean distance from the centre of all
 * plotted training features, over the major classes' mean distance (scale-free, so runs compare).
 */
function minorSpread(snapshot: EpochSnapshot, run: RunSnapshot, groups: Groups): number {
  const labels = snapshot.trainFeatureLabels;
  const f = run.trainFeatures;
  const n = Math.min(labels.length, f.length >> 1);
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < n; i++) {
    cx += f[2 * i] / n;
    cy += f[2 * i + 1] / n;
  }
  const isMinor = new Set(groups.minor);
  const sums = { minor: 0, minorCount: 0, major: 0, majorCount: 0 };
  for (let i = 0; i < n; i++) {
    const distance = Math.hypot(f[2 * i] - cx, f[2 * i + 1] - cy);
    if (isMinor.has(labels[i])) {
      sums.minor += distance;
      sums.minorCount++;
    } else {
      sums.major += distance;
      sums.majorCount++;
    }
  }
  return sums.minor / sums.minorCount / (sums.major / sums.majorCount);
}

export function runFinding(kind: PlotKind, { snapshot, history, trainCounts, lanes }: FindingInput): string | null {
  const ermLane = lanes.find((lane) => lane.method === 'erm')?.id;
  const mfwLane = lanes.find((lane) => lane.method === 'mfw')?.id;
  if (!snapshot || ermLane === undefined || mfwLane === undefined) return null;
  const [erm, mfw] = [snapshot.runs[ermLane], snapshot.runs[mfwLane]] as (RunSnapshot | undefined)[];
  if (!erm || !mfw) return null;
  const at = `At epoch ${snapshot.epoch},`;
  if (kind === 'loss') {
    const first = history[0] ?? snapshot;
    if (first.epoch === snapshot.epoch) return `${at} the training loss is ${number(erm.trainLoss)} for ERM and ${number(mfw.trainLoss)} for MFW.`;
    return `From epoch ${first.epoch} to ${snapshot.epoch} ERM’s loss went from ${number(first.runs[ermLane]?.trainLoss ?? Number.NaN)} to ${number(erm.trainLoss)}, MFW’s from ${number(first.runs[mfwLane]?.trainLoss ?? Number.NaN)} to ${number(mfw.trainLoss)}.`;
  }
  const groups = groupsOf(trainCounts);
  if (!groups) return NO_MINOR;
  const { major, minor } = groups;
  switch (kind) {
    case 'train-scatter': {
      const [e, m] = [minorPointStats(snapshot, erm, 'train', groups), minorPointStats(snapshot, mfw, 'train', groups)];
      const [spreadErm, spreadMfw] = [minorSpread(snapshot, erm, groups), minorSpread(snapshot, mfw, groups)];
      return (
        `${at} ERM misclassifies ${e.wrong} of the ${e.total} minor-class training points shown, MFW ${m.wrong}. ` +
        `The minor classes sit ${number(spreadErm)}× as far from the centre as the major ones under ERM, ${number(spreadMfw)}× under MFW` +
        `${spreadErm > spreadMfw ? ': ERM has pushed them farther out.' : ': ERM has not pushed them farther out than MFW.'}`
      );
    }
    case 'test-scatter': {
      const [e, m] = [minorPointStats(snapshot, erm, 'test', groups), minorPointStats(snapshot, mfw, 'test', groups)];
      const [shareErm, shareMfw] = [e.inMajorRegion / e.total, m.inMajorRegion / m.total];
      return `${at} ${percent(shareErm)} of the minor-class test points fall in a major class’s region under ERM, ${percent(shareMfw)} under MFW: ${shareMfw < shareErm ? 'fewer' : 'not fewer'} with MFW.`;
    }
    case 'train-accuracy': {
      const majorLead = (run: RunSnapshot) => groupMean(run.trainAccuracy, major) - groupMean(run.trainAccuracy, minor);
      const [gapErm, gapMfw] = [majorLead(erm), majorLead(mfw)];
      const gap = (value: number) => `${points(value)} (${value >= 0 ? 'major' : 'minor'} ahead)`;
      return `${at} the gap between major- and minor-class training accuracy is ${gap(gapErm)} under ERM and ${gap(gapMfw)} under MFW: MFW’s classes progress ${Math.abs(gapMfw) < Math.abs(gapErm) ? 'more' : 'not (yet) more'} evenly.`;
    }
    case 'results': {
      const lead = (classes: readonly number[]) => groupMean(mfw.testAccuracy, classes) - groupMean(erm.testAccuracy, classes);
      const [minorLead, overallLead] = [lead(minor), lead([...major, ...minor])];
      const say = (d: number) => (d > 0 ? `${points(d)} ahead of` : d < 0 ? `${points(d)} behind` : 'level with');
      return `${at} MFW is ${say(minorLead)} ERM on the minor-class average and ${say(overallLead)} it on all classes (balanced).`;
    }
    case 'test-accuracy': {
      const [minorErm, minorMfw] = [groupMean(erm.testAccuracy, minor), groupMean(mfw.testAccuracy, minor)];
      const [majorErm, majorMfw] = [groupMean(erm.testAccuracy, major), groupMean(mfw.testAccuracy, major)];
      const lead = minorMfw - minorErm;
      return (
        `${at} the minor classes reach ${percent(minorErm)} test accuracy under ERM and ${percent(minorMfw)} under MFW — ` +
        `${lead > 0 ? `MFW is ${points(lead)} ahead` : `MFW is not ahead (${lead === 0 ? 'equal' : `${points(lead)} behind`})`}; ` +
        `the major classes ${percent(majorErm)} and ${percent(majorMfw)}.`
      );
    }
    case 'ratio': {
      const [e, m] = [groupMean(erm.classificationRatio, minor), groupMean(mfw.classificationRatio, minor)];
      return `${at} the minor classes’ ratio is ${number(e)} under ERM and ${number(m)} under MFW: MFW’s is ${Math.abs(m - 1) < Math.abs(e - 1) ? '' : 'not (yet) '}closer to 1.`;
    }
    case 'gradient-norm':
      return `${at} ${comparison('minor-class gradient norm', groupMean(erm.featureGradientNorm, minor), groupMean(mfw.featureGradientNorm, minor), 'lower', number)}`;
    case 'deviation':
      return `${at} ${comparison('minor-class feature deviation', groupMean(erm.featureDeviation, minor), groupMean(mfw.featureDeviation, minor), 'lower', number)}`;
    case 'confusion': {
      const [e, m] = [minorPointStats(snapshot, erm, 'test', groups), minorPointStats(snapshot, mfw, 'test', groups)];
      return `${at} ${e.inMajorRegion} of the ${e.total} minor-class test images are predicted as a major class under ERM, ${m.inMajorRegion} under MFW.`;
    }
  }
}

/**
 * One short plain-language line per plot for presentation mode, read from the epoch on screen: the
 * verdict of the finding above without its detail ("MFW is 4.2 points ahead on the minor classes").
 * Null where the finding would be (no ERM/MFW pair, no epoch yet).
 */
export function runTakeaway(kind: PlotKind, input: FindingInput): string | null {
  const { snapshot, history, trainCounts, lanes } = input;
  const ermLane = lanes.find((lane) => lane.method === 'erm')?.id;
  const mfwLane = lanes.find((lane) => lane.method === 'mfw')?.id;
  if (!snapshot || ermLane === undefined || mfwLane === undefined) return null;
  const [erm, mfw] = [snapshot.runs[ermLane], snapshot.runs[mfwLane]] as (RunSnapshot | undefined)[];
  if (!erm || !mfw) return null;
  if (kind === 'loss') {
    const first = history[0] ?? snapshot;
    const fell = (lane: string, now: number) => now < (first.runs[lane]?.trainLoss ?? Number.NaN);
    if (first.epoch === snapshot.epoch) return `Training loss after the first epoch: ERM ${number(erm.trainLoss)}, MFW ${number(mfw.trainLoss)}.`;
    return fell(ermLane, erm.trainLoss) && fell(mfwLane, mfw.trainLoss) ? 'Both networks are learning: their training losses fall.' : 'The training loss has not fallen for every network yet.';
  }
  const groups = groupsOf(trainCounts);
  if (!groups) return 'No minor classes here: every class has as many training images.';
  const { major, minor } = groups;
  switch (kind) {
    case 'train-scatter':
      return minorSpread(snapshot, erm, groups) > minorSpread(snapshot, mfw, groups)
        ? 'ERM pushes the rare classes farther out than MFW does.'
        : 'ERM has not (yet) pushed the rare classes farther out than MFW.';
    case 'test-scatter':
    case 'confusion': {
      const [e, m] = [minorPointStats(snapshot, erm, 'test', groups), minorPointStats(snapshot, mfw, 'test', groups)];
      return m.inMajorRegion < e.inMajorRegion
        ? `Fewer rare-class test images are mistaken for a common class with MFW (${m.inMajorRegion} vs ${e.inMajorRegion}).`
        : `MFW does not (yet) mistake fewer rare-class test images for a common class (${m.inMajorRegion} vs ${e.inMajorRegion}).`;
    }
    case 'train-accuracy': {
      const gap = (run: RunSnapshot) => Math.abs(groupMean(run.trainAccuracy, major) - groupMean(run.trainAccuracy, minor));
      return gap(mfw) < gap(erm) ? 'With MFW, rare and common classes learn more evenly.' : 'MFW’s classes do not (yet) learn more evenly than ERM’s.';
    }
    case 'test-accuracy':
    case 'results': {
      const lead = groupMean(mfw.testAccuracy, minor) - groupMean(erm.testAccuracy, minor);
      return lead > 0 ? `On the rare classes MFW is ${points(lead)} ahead of ERM.` : `On the rare classes MFW is not ahead of ERM (yet): ${lead === 0 ? 'level with it' : `${points(lead)} behind`}.`;
    }
    case 'ratio': {
      const [e, m] = [groupMean(erm.classificationRatio, minor), groupMean(mfw.classificationRatio, minor)];
      return Math.abs(m - 1) < Math.abs(e - 1) ? 'MFW predicts the rare classes about as often as they occur; ERM less so.' : 'MFW does not (yet) predict the rare classes more fairly than ERM.';
    }
    case 'gradient-norm':
      return groupMean(mfw.featureGradientNorm, minor) < groupMean(erm.featureGradientNorm, minor)
        ? 'MFW pushes the rare classes’ features less hard than ERM.'
        : 'MFW does not (yet) push the rare classes’ features less hard than ERM.';
    case 'deviation':
      return groupMean(mfw.featureDeviation, minor) < groupMean(erm.featureDeviation, minor)
        ? 'The rare classes’ features drift less with MFW.'
        : 'The rare classes’ features do not (yet) drift less with MFW.';
  }
}
