/** One-line "what to look for" captions per plot, paraphrasing the paper's reading of its figures. */

export type PlotKind =
  | 'train-scatter'
  | 'test-scatter'
  | 'train-accuracy'
  | 'test-accuracy'
  | 'ratio'
  | 'gradient-norm'
  | 'deviation'
  | 'results';

export const WHAT_TO_LOOK_FOR: Record<PlotKind, string> = {
  'train-scatter':
    'ERM first lets the major classes take the space, so minor training points sit in major regions (crosses), then pushes them far out to win regions of their own; MFW keeps major features near the boundaries and fits the minor classes earlier, without pushing them as far (Figs 5, 6).',
  'test-scatter':
    'Compare with the training plot above: under ERM many minor test features fall near or across the major/minor boundaries, far from where their training features went — feature deviation, i.e. over-fitting; with MFW train and test look more alike.',
  'train-accuracy':
    'ERM fits the major classes within a few epochs while the minor classes stay low for much longer; with MFW the classes progress more evenly ("procrustean", Figs 1a, 3).',
  'test-accuracy':
    'What counts in the end: the minor classes’ test accuracy, where MFW should gain most; the major classes may give up a little.',
  ratio:
    'Below 1, a class’s training images are mostly predicted as other classes: early in ERM the minor classes sit near 0 — swallowed by the major classes, which sit above 1 (Fig. 1b).',
  'gradient-norm':
    'Minor classes receive much larger feature gradients under ERM, because their features must be pushed across the boundaries; MFW shrinks them and narrows the gap between classes (Fig. 4, Eq. 9).',
  deviation:
    'dis(c) is how far a class’s mean test feature lies from its mean training feature; it grows with training, most for the minor classes, and MFW keeps it smaller (§5.4, Fig. 7).',
  results:
    'Read the minor-class average first: that is where the gain of MFW over ERM comes from; overall is the balanced (per-class mean) test accuracy.',
};
