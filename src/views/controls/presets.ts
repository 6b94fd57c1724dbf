/** Names, one-line descriptions and the evidence behind each time preset, as the settings panel shows them. */
import { TIME_PRESETS, type ExperimentConfig, type TimePresetName } from '../../config/experiment.ts';

export const PRESET_LABEL: Record<TimePresetName, string> = { quick: 'Quick', classroom: 'Classroom', paper: 'Paper' };

export const PRESET_NAMES = Object.keys(TIME_PRESETS) as TimePresetName[];

export function presetDescription(config: ExperimentConfig): string {
  return `ResNet-${6 * config.blocksPerStage + 2}, ${config.epochs} epochs`;
}

/** What is known about each preset's result, stated as measured (shown under the preset buttons). */
export const PRESET_EVIDENCE: Record<TimePresetName, string> = {
  quick:
    'The paper’s §4 data on ResNet-8 in 20 epochs. A PyTorch copy of this training, three seeds: ERM 49.6, 53.0, 54.1 % and MFW 51.4, 69.8, 68.8 % balanced test accuracy; the gain is in the minor classes (bird 0–2 → 11–38 %, cat 10–21 → 15–64 %), large in two seeds and small in one. This app’s engine on a fifth of the data (1000/1000/10/10 images, seed 1, npm run experiment): ERM 45.1 %, MFW 58.7 % (cat 1 → 60 %, bird 0 → 0 %).',
  classroom:
    'The paper’s §4 data on ResNet-8 in 40 epochs. A PyTorch copy of this training, three seeds: ERM 56.9, 57.8, 59.3 % and MFW 67.6, 69.9, 70.5 % balanced test accuracy, the gain all in the minor classes.',
  paper: 'The paper’s §4 setting: ResNet-32, 200 epochs. The paper reports 78.30 % (ERM) and 83.65 % (MFW) balanced test accuracy.',
};
