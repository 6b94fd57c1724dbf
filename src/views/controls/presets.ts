/** Names, one-line descriptions and the evidence behind each time preset, as the settings panel shows them. */
import { TIME_PRESETS, type ExperimentConfig, type TimePresetName } from '../../config/experiment.ts';

export const PRESET_LABEL: Record<TimePresetName, string> = { quick: 'Quick', classroom: 'Classroom', paper: 'Paper' };

export const PRESET_NAMES = Object.keys(TIME_PRESETS) as TimePresetName[];

export function presetDescription(config: ExperimentConfig): string {
  return `ResNet-${6 * config.blocksPerStage + 2}, ${config.epochs} epochs`;
}

/** What is known about each preset's result, stated as measured (shown under the preset buttons). */
export const PRESET_EVIDENCE: Record<TimePresetName, string> = {
  quick: 'TODO',
  classroom: 'TODO',
  paper: 'TODO',
};
