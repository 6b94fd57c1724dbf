/**
 * Every setting of the experiment, with the ranges of FIELDS. Edits are validated by
 * validateConfig before they reach the store; while a training exists they are held back until
 * the user agrees to reset it.
 */
import {
  BLOCKS_PER_STAGE_CHOICES,
  CIFAR10_CLASS_NAMES,
  CLASSROOM_CONFIG,
  FIELDS,
  PAPER_CONFIG,
  WIDTH_CHOICES,
  convolutionGroups,
  validateConfig,
  type BackendChoice,
  type ExperimentConfig,
  type WeightMode,
} from '../../config/experiment.ts';
import { IMBALANCE_RATIOS, MAX_TRAIN_PER_CLASS, TEST_PER_CLASS, type ImbalancePreset } from '../../config/imbalance.ts';
import { isMajorClass } from '../../engine/mfwWeights.ts';
import { useAppStore } from '../../state/store.ts';
import { CheckboxField, NumberField, SelectField } from './fields.tsx';

type Key = keyof ExperimentConfig;

/** Tries one edit: the new config when validateConfig keeps the value, else the reasons it refused. */
function tryEdit(draft: ExperimentConfig, input: Partial<Record<Key, unknown>>): { config: ExperimentConfig | null; problems: string[] } {
  const result = validateConfig(input, draft);
  const kept = (Object.keys(input) as Key[]).every((key) => JSON.stringify(result.config[key]) === JSON.stringify(input[key]));
  return { config: kept ? result.config : null, problems: result.problems };
}

function labelOf(key: Exclude<Key, 'classes' | 'trainCounts'>): string {
  return FIELDS[key].label;
}

function rangeHint(key: Exclude<Key, 'classes' | 'trainCounts'>): string | undefined {
  const spec = FIELDS[key];
  if (spec.kind !== 'number') return undefined;
  return `${spec.min} – ${spec.max}`;
}

const TIME_PRESETS: { name: string; config: ExperimentConfig; description: string }[] = [
  { name: 'Classroom', config: CLASSROOM_CONFIG, description: `ResNet-${6 * CLASSROOM_CONFIG.blocksPerStage + 2}, ${CLASSROOM_CONFIG.epochs} epochs` },
  { name: 'Paper', config: PAPER_CONFIG, description: `ResNet-${6 * PAPER_CONFIG.blocksPerStage + 2}, ${PAPER_CONFIG.epochs} epochs` },
];

/** A time preset keeps the user's classes, seed and backend: it is about how long and how big. */
function withPreset(draft: ExperimentConfig, preset: ExperimentConfig): ExperimentConfig {
  return { ...preset, classes: [...draft.classes], trainCounts: [...preset.trainCounts], seed: draft.seed, backend: draft.backend };
}

function matchesPreset(draft: ExperimentConfig, preset: ExperimentConfig): boolean {
  return JSON.stringify(withPreset(draft, preset)) === JSON.stringify(draft);
}

const IMBALANCE_LABELS: Record<ImbalancePreset, string> = {
  paper: 'Paper §4 (5000, 5000, 50, 50)',
  step: 'Step (ρ)',
  'long-tailed': 'Long-tailed (ρ)',
  custom: 'Custom counts',
};

export function SettingsPanel() {
  const config = useAppStore((s) => s.config);
  const pendingConfig = useAppStore((s) => s.pendingConfig);
  const editConfig = useAppStore((s) => s.editConfig);
  const applyPendingConfig = useAppStore((s) => s.applyPendingConfig);
  const discardPendingConfig = useAppStore((s) => s.discardPendingConfig);
  const draft = pendingConfig ?? config;

  const commit = (input: Partial<Record<Key, unknown>>) => {
    const { config: next } = tryEdit(draft, input);
    if (next) editConfig(next);
  };
  const validator = (key: Exclude<Key, 'classes' | 'trainCounts'>) => (value: number) => {
    const { config: next, problems } = tryEdit(draft, { [key]: value });
    return next ? null : problems.join(' ');
  };
  const numberField = (key: Exclude<Key, 'classes' | 'trainCounts'>, extra: { hint?: string; note?: string | null; step?: number | 'any' } = {}) => {
    const spec = FIELDS[key];
    return (
      <NumberField
        key={key}
        label={labelOf(key)}
        value={draft[key] as number}
        validate={validator(key)}
        onCommit={(value) => commit({ [key]: value })}
        hint={extra.hint ?? rangeHint(key)}
        note={extra.note}
        step={extra.step ?? (spec.kind === 'number' && spec.integer ? 1 : 'any')}
        min={spec.kind === 'number' ? spec.min : undefined}
        max={spec.kind === 'number' ? spec.max : undefined}
        testId={`setting-${key}`}
      />
    );
  };

  const setClass = (slot: number, classId: number) => {
    const classes = [...draft.classes];
    const other = classes.indexOf(classId);
    // Choosing a class already used elsewhere swaps the two, so the four always stay distinct.
    if (other >= 0) classes[other] = classes[slot];
    classes[slot] = classId;
    commit({ classes });
  };
  const setDepth = (blocksPerStage: number) => {
    const groups = convolutionGroups(blocksPerStage);
    commit({ blocksPerStage, mixingPoint: Math.min(draft.mixingPoint, groups) });
  };
  const isMajor = isMajorClass(draft.trainCounts);
  const groups = convolutionGroups(draft.blocksPerStage);

  return (
    <form className="settings" aria-labelledby="settings-title" data-testid="settings-panel" onSubmit={(event) => event.preventDefault()}>
      <h2 id="settings-title">Settings</h2>

      {pendingConfig ? (
        <div className="pending" role="status" data-testid="pending-config">
          <p>These changes need a fresh start: applying them resets both trainings.</p>
          <div className="button-row">
            <button type="button" className="primary" data-testid="apply-pending" onClick={applyPendingConfig}>
              Apply and reset
            </button>
            <button type="button" data-testid="discard-pending" onClick={discardPendingConfig}>
              Keep training
            </button>
          </div>
        </div>
      ) : null}

      <fieldset>
        <legend>Time preset</legend>
        <div className="button-row">
          {TIME_PRESETS.map((preset) => (
            <button
              key={preset.name}
              type="button"
              aria-pressed={matchesPreset(draft, preset.config)}
              data-testid={`preset-${preset.name.toLowerCase()}`}
              title={preset.description}
              onClick={() => editConfig(withPreset(draft, preset.config))}
            >
              {preset.name}
              <span className="preset-detail">{preset.description}</span>
            </button>
          ))}
        </div>
      </fieldset>

      <fieldset>
        <legend>Classes (most → fewest training images)</legend>
        {draft.classes.map((classId, slot) => (
          <SelectField
            key={slot}
            label={`Class ${slot + 1} (${isMajor[slot] ? 'major' : 'minor'})`}
            value={classId}
            options={CIFAR10_CLASS_NAMES.map((name, id) => ({ value: id, label: name }))}
            onChange={(id) => setClass(slot, id)}
            testId={`setting-class-${slot}`}
          />
        ))}
      </fieldset>

      <fieldset>
        <legend>Imbalance</legend>
        <SelectField<ImbalancePreset>
          label={labelOf('imbalance')}
          value={draft.imbalance}
          options={(Object.keys(IMBALANCE_LABELS) as ImbalancePreset[]).map((value) => ({ value, label: IMBALANCE_LABELS[value] }))}
          onChange={(imbalance) => commit(imbalance === 'custom' ? { imbalance, trainCounts: draft.trainCounts } : { imbalance })}
          testId="setting-imbalance"
        />
        {draft.imbalance === 'step' || draft.imbalance === 'long-tailed' ? (
          <SelectField<number>
            label={labelOf('ratio')}
            value={draft.ratio}
            options={IMBALANCE_RATIOS.map((value) => ({ value, label: String(value) }))}
            onChange={(ratio) => commit({ ratio })}
            testId="setting-ratio"
          />
        ) : null}
        <div className="counts">
          {draft.trainCounts.map((count, slot) => (
            <NumberField
              key={slot}
              label={`Training images: ${CIFAR10_CLASS_NAMES[draft.classes[slot]]}`}
              value={count}
              step={1}
              min={1}
              max={MAX_TRAIN_PER_CLASS}
              hint={draft.imbalance === 'custom' ? `1 – ${MAX_TRAIN_PER_CLASS}` : 'editing switches to custom'}
              validate={(value) => {
                const trainCounts = draft.trainCounts.map((n, i) => (i === slot ? value : n));
                const { config: next, problems } = tryEdit(draft, { imbalance: 'custom', trainCounts });
                return next ? null : problems.join(' ');
              }}
              onCommit={(value) => commit({ imbalance: 'custom', trainCounts: draft.trainCounts.map((n, i) => (i === slot ? value : n)) })}
              testId={`setting-count-${slot}`}
            />
          ))}
        </div>
      </fieldset>

      <fieldset>
        <legend>Network</legend>
        <SelectField<number>
          label={labelOf('blocksPerStage')}
          value={draft.blocksPerStage}
          options={BLOCKS_PER_STAGE_CHOICES.map((n) => ({ value: n, label: `n = ${n} (ResNet-${6 * n + 2})` }))}
          onChange={setDepth}
          testId="setting-blocksPerStage"
        />
        <SelectField<number>
          label={labelOf('width')}
          value={draft.width}
          options={WIDTH_CHOICES.map((w) => ({ value: w, label: `× ${w} (${16 * w}/${32 * w}/${64 * w} channels)` }))}
          onChange={(width) => commit({ width })}
          testId="setting-width"
        />
      </fieldset>

      <fieldset>
        <legend>Training</legend>
        {numberField('epochs')}
        {numberField('batchSize')}
        {numberField('learningRate')}
        {numberField('warmupEpochs')}
        {numberField('momentum')}
        {numberField('weightDecay')}
        <CheckboxField
          label={labelOf('drw')}
          checked={draft.drw}
          onChange={(drw) => commit({ drw })}
          hint="re-weights classes from 80 % of the epochs on"
          testId="setting-drw"
        />
      </fieldset>

      <fieldset>
        <legend>MFW</legend>
        {numberField('alpha')}
        {numberField('mixingPoint', { hint: `1 – ${groups}: 1 = after the stem, ${groups} = after the last block` })}
        <SelectField<WeightMode>
          label={labelOf('weightMode')}
          value={draft.weightMode}
          options={[
            { value: 'two-level', label: '0.5 major / 0 minor (§4)' },
            { value: 'eq12', label: 'Eq. 12 (sigmoid of N_c)' },
          ]}
          onChange={(weightMode) => commit({ weightMode })}
          testId="setting-weightMode"
        />
        {draft.weightMode === 'eq12' ? numberField('beta', { hint: '2.0 long-tailed, 0.01 step' }) : null}
      </fieldset>

      <fieldset>
        <legend>Run</legend>
        {numberField('seed', { hint: 'same seed ⇒ same subset, weights and batches' })}
        {numberField('trainFeatureSample')}
        {numberField('testPerClass', {
          hint: `10 – ${TEST_PER_CLASS}: fewer make each epoch's evaluation faster; results match the full test set (and the paper) only at ${TEST_PER_CLASS}`,
        })}
        <SelectField<BackendChoice>
          label={labelOf('backend')}
          value={draft.backend}
          options={[
            { value: 'auto', label: 'Automatic (WebGPU, else WebGL)' },
            { value: 'webgpu', label: 'WebGPU' },
            { value: 'webgl', label: 'WebGL' },
            { value: 'wasm', label: 'WebAssembly (CPU)' },
          ]}
          onChange={(backend) => commit({ backend })}
          testId="setting-backend"
        />
      </fieldset>
    </form>
  );
}
