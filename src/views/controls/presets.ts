/** Names, one-line descriptions and the evidence behind each time preset, as the settings panel shows them. */
import { TIME_PRESETS, type ExperimentConfig, type TimePresetName } from '../../config/experiment.ts';

export const PRESET_LABEL: Record<TimePresetName, string> = { quick: 'Quick', classroom: 'Classroom', paper: 'Paper' };

export const PRESET_NAMES = Object.keys(TIME_PRESETS) as TimePresetName[];

export function presetDescription(config: ExperimentConfig): string {
  return `ResNet-${6 * config.blocksPerStage + 2}, ${config.epochs} epochs`;
}

/**
 * For a teacher: what the class will see with each preset, in one line, drawn from the evidence below
 * (the range over seeds, not one lucky run).
 */
export const PRESET_CLASS_VIEW: Record<TimePresetName, string> = {
  quick:
    'What your class will see: ERM gets most test images of the two small classes wrong; MFW lifts them clearly in two of three seeds measured, a little in the third.',
  classroom:
    'What your class will see: ERM gets most test images of the two small classes wrong; MFW wins back 10–12 points of balanced accuracy, all in those classes (three of three seeds measured).',
  paper:
    'What your class will see: the paper’s own experiment (78.3 % vs 83.7 % reported), which takes hours even on a GPU: train it beforehand and show it as a recording.',
};

/** What is known about each preset's result, stated as measured (shown under the preset buttons). */
export const PRESET_EVIDENCE: Record<TimePresetName, string> = {
  quick:
    'The paper’s §4 data on ResNet-8 in 20 epochs. A PyTorch copy of this training, three seeds: ERM 49.6, 53.0, 54.1 % and MFW 51.4, 69.8, 68.8 % balanced test accuracy; the gain is in the minor classes (bird 0–2 → 11–38 %, cat 10–21 → 15–64 %), large in two seeds and small in one. This app’s engine on a fifth of the data (1000/1000/10/10 images, seeds 1–3, npm run sweep, docs/SCALE.md): ERM 45.9, 35.8, 45.0 % and MFW 57.6, 36.4, 47.4 % — large in one seed, small in two; logit adjustment 59.3, 54.5, 57.5 %.',
  classroom:
    'The paper’s §4 data on ResNet-8 in 40 epochs. A PyTorch copy of this training, three seeds: ERM 56.9, 57.8, 59.3 % and MFW 67.6, 69.9, 70.5 % balanced test accuracy, the gain all in the minor classes.',
  paper: 'The paper’s §4 setting: ResNet-32, 200 epochs. The paper reports 78.30 % (ERM) and 83.65 % (MFW) balanced test accuracy.',
};
