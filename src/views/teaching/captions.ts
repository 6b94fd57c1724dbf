/**
 * "What to look for" under each plot: what the paper found in its figures, paraphrased. What THIS
 * run shows is computed from the data (findings.ts) and printed after it.
 */

export type PlotKind =
  | 'train-scatter'
  | 'test-scatter'
  | 'train-accuracy'
  | 'test-accuracy'
  | 'ratio'
  | 'gradient-norm'
  | 'deviation'
  | 'loss'
  | 'confusion'
  | 'results';

export const WHAT_TO_LOOK_FOR: Record<PlotKind, string> = {
  'train-scatter':
    'In the paper (Figs 5, 6) ERM first lets the major classes take the space — minor training points sit in major regions (hollow markers) — then pushes them far out to win regions of their own; MFW keeps the major features near the boundaries and fits the minor classes earlier without pushing them as far. With the same axes for every epoch, scrub to watch the features move outward.',
  'test-scatter':
    'Compare with the training plots: in the paper, under ERM most minor test features end near or across the major/minor boundaries, far from where their training features went — feature deviation, i.e. over-fitting; with MFW training and test features look more alike and more minor test points are classified correctly.',
  'train-accuracy':
    'In the paper (Figs 1a, 3) ERM fits the major classes within a few epochs while the minor classes lag far behind; with MFW the classes progress more evenly (“procrustean”).',
  'test-accuracy':
    'What counts in the end: in the paper MFW’s gain comes from the minor classes’ test accuracy, while the major classes give up little.',
  ratio:
    'Training images predicted as a class ÷ images truly of it. In the paper (Fig. 1b) the minor classes sit near 0 for much of ERM’s training — swallowed by the major classes, which sit above 1.',
  'gradient-norm':
    'In the paper (Fig. 4, Eq. 9) the minor classes receive much larger feature gradients under ERM, because their features must be pushed across the boundaries; MFW shrinks them and narrows the gap between classes.',
  deviation:
    'dis(c) is how far a class’s mean test feature lies from its mean training feature. In the paper (§5.4, Fig. 7) it grows with training, most for the minor classes, and MFW keeps it smaller.',
  loss:
    'Mean training loss per epoch. MFW’s is measured on mixed features (the major classes weakened), so it is expected to stay above ERM’s — that alone does not mean MFW learns worse; both should fall.',
  confusion:
    'Rows are the true classes, columns the predictions, on the test set. Under ERM the minor classes’ errors pile up in the major columns (the paper’s “swallowed” minor classes); MFW should move them onto the diagonal.',
  results:
    'In the paper’s §4 setting (ResNet-32, 200 epochs) ERM reaches 78.30 % and MFW 83.65 % balanced test accuracy, the gain coming from the minor classes: read the minor-class average first.',
};
