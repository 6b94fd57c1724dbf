/**
 * Every setting of the experiment, with the ranges of FIELDS. Edits are validated by
 * validateConfig before they reach the store; while a training exists they are held back until
 * the user agrees to reset it.
 */
import { useRef, useState, type ReactNode } from 'react';
import {
  BLOCKS_PER_STAGE_CHOICES,
  CIFAR10_CLASS_NAMES,
  FIELDS,
  TIME_PRESETS,
  WIDTH_CHOICES,
  convolutionGroups,
  lanesOf,
  timePresetOf,
  validateConfig,
  withTimePreset,
  type BackendChoice,
  type ExperimentConfig,
  type WeightMode,
} from '../../config/experiment.ts';
import { IMBALANCE_RATIOS, MAX_TRAIN_PER_CLASS, TEST_PER_CLASS, type ImbalancePreset } from '../../config/imbalance.ts';
import { LANE_SETS, laneSetOf, type LaneSet } from '../../core/laneSets.ts';
import { MAX_LANES, METHOD_NAMES, METHODS, type MethodName } from '../../core/methods.ts';
import { isMajorClass } from '../../core/mfwWeights.ts';
import { profileKey, profileOf } from '../../core/networkCost.ts';
import { capitalise, estimateFor, formatEstimate } from '../../state/estimate.ts';
import { useAppStore } from '../../state/store.ts';
import { CheckboxField, NumberField, SelectField } from './fields.tsx';
import { PendingChanges } from './PendingChanges.tsx';
import { LaneParameters } from './LaneParameters.tsx';
import { PRESET_CLASS_VIEW, PRESET_EVIDENCE, PRESET_LABEL, PRESET_NAMES, presetDescription } from './presets.ts';

type Key = keyof ExperimentConfig;
/** The settings with one value and a FIELDS entry. */
type ScalarKey = keyof typeof FIELDS;

/** Tries one edit: the new config when validateConfig keeps the value, else the reasons it refused. */
function tryEdit(draft: ExperimentConfig, input: Partial<Record<Key, unknown>>): { config: ExperimentConfig | null; problems: string[] } {
  const result = validateConfig(input, draft);
  const kept = (Object.keys(input) as Key[]).every((key) => JSON.stringify(result.config[key]) === JSON.stringify(input[key]));
  return { config: kept ? result.config : null, problems: result.problems };
}

function labelOf(key: ScalarKey): string {
  return FIELDS[key].label;
}

function rangeHint(key: ScalarKey): string | undefined {
  const spec = FIELDS[key];
  if (spec.kind !== 'number') return undefined;
  return `${spec.min} – ${spec.max}`;
}

const BACKEND_LABELS: Record<string, string> = {
  auto: 'Automatic (fastest here)',
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'CPU (WebAssembly)',
};

/** The settings each fieldset holds, so the box asking to apply a change sits next to that change. */
const FIELDSET_KEYS: Record<Exclude<FieldsetName, 'preset'>, Key[]> = {
  classes: ['classes'],
  imbalance: ['imbalance', 'ratio', 'trainCounts'],
  network: ['blocksPerStage', 'width'],
  methods: ['methods'],
  training: ['epochs', 'batchSize', 'learningRate', 'warmupEpochs', 'momentum', 'weightDecay'],
  mfw: ['alpha', 'mixingPoint', 'weightMode', 'beta'],
  run: ['seed', 'subsetSeed', 'seedVersion', 'trainFeatureSample', 'testPerClass', 'backend'],
};
type FieldsetName = 'preset' | 'classes' | 'imbalance' | 'network' | 'methods' | 'training' | 'mfw' | 'run';

function fieldsetOf(keys: Key[]): FieldsetName {
  const names = Object.keys(FIELDSET_KEYS) as Exclude<FieldsetName, 'preset'>[];
  return names.find((name) => keys.some((key) => FIELDSET_KEYS[name].includes(key))) ?? 'preset';
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
  const backendReport = useAppStore((s) => s.backend);
  const backend = backendReport?.name ?? null;
  const calibrations = useAppStore((s) => s.calibrations);
  const calibrating = useAppStore((s) => s.calibrating);
  const replaying = useAppStore((s) => s.replay !== null);
  const draft = pendingConfig ?? config;
  // The fieldset of the latest edit made here, and the edited config: the apply box goes there.
  const [lastEdit, setLastEdit] = useState<{ config: ExperimentConfig; fieldset: FieldsetName } | null>(null);
  const pendingFieldset = pendingConfig && lastEdit?.config === pendingConfig ? lastEdit.fieldset : 'preset';
  // The control last used here: focus returns to it when the apply box it raised goes away.
  const lastFocused = useRef<HTMLElement | null>(null);
  const returnFocus = () => {
    if (lastFocused.current?.isConnected) lastFocused.current.focus();
  };

  const edit = (next: ExperimentConfig, fieldset: FieldsetName) => {
    setLastEdit({ config: next, fieldset });
    editConfig(next);
  };
  const commit = (input: Partial<Record<Key, unknown>>) => {
    const { config: next } = tryEdit(draft, input);
    if (next) edit(next, fieldsetOf(Object.keys(input) as Key[]));
  };
  const validator = (key: ScalarKey) => (value: number) => {
    const { config: next, problems } = tryEdit(draft, { [key]: value });
    return next ? null : problems.join(' ');
  };
  /** `also`: settings committed with this one, as they are (validateConfig lets a seed alone set the subset seed too). */
  const numberField = (key: ScalarKey, extra: { hint?: string; note?: string | null; step?: number | 'any'; also?: Partial<Record<Key, unknown>> } = {}) => {
    const spec = FIELDS[key];
    return (
      <NumberField
        key={key}
        label={labelOf(key)}
        value={draft[key] as number}
        validate={validator(key)}
        onCommit={(value) => commit({ ...extra.also, [key]: value })}
        hint={extra.hint ?? rangeHint(key)}
        note={extra.note}
        step={extra.step ?? (spec.kind === 'number' && spec.integer ? 1 : 'any')}
        min={spec.kind === 'number' ? spec.min : undefined}
        max={spec.kind === 'number' ? spec.max : undefined}
        testId={`setting-${key}`}
      />
    );
  };
  /** A fieldset, ending with the apply box when the pending change was made in it. */
  const fieldset = (name: FieldsetName, legend: string, children: ReactNode) => (
    <fieldset data-fieldset={name}>
      <legend>{legend}</legend>
      {children}
      {pendingConfig && pendingFieldset === name ? <PendingChanges onDone={returnFocus} /> : null}
    </fieldset>
  );

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
  // Lanes are chosen by method; a lane whose parameters a link set keeps them while others are toggled.
  const [methodsProblem, setMethodsProblem] = useState<string | null>(null);
  const lanes = lanesOf(draft);
  const toggleMethod = (method: MethodName, on: boolean) => {
    const methods = on ? [...draft.methods, method] : lanes.filter((lane) => lane.method !== method).map((lane) => lane.id);
    if (methods.length === 0) {
      setMethodsProblem(`At least one method must train: check another before unchecking ${METHODS[method].label}.`);
      return;
    }
    if (methods.length > MAX_LANES) {
      setMethodsProblem(`At most ${MAX_LANES} methods train at once: uncheck one before adding ${METHODS[method].label}.`);
      return;
    }
    const { config: next, problems } = tryEdit(draft, { methods });
    setMethodsProblem(next ? null : problems.join(' '));
    if (next) edit(next, 'methods');
  };
  const setPostHoc = useAppStore((s) => s.setPostHoc);
  const chooseLaneSet = (set: LaneSet) => {
    const { config: next, problems } = tryEdit(draft, { methods: [...set.methods] });
    setMethodsProblem(next ? null : problems.join(' '));
    if (!next) return;
    edit(next, 'methods');
    for (const [lane, setting] of Object.entries(set.postHoc ?? {})) setPostHoc(lane, setting);
  };
  const laneSet = laneSetOf(draft.methods);
  const isMajor = isMajorClass(draft.trainCounts);
  const groups = convolutionGroups(draft.blocksPerStage);
  const selectedPreset = timePresetOf(draft);
  // Once this device has timed a network, a preset without an estimate is one too different to scale to.
  const anyTiming = Object.values(calibrations).some((c) => c.backend === backend);

  return (
    <form
      className="settings"
      aria-labelledby="settings-title"
      data-testid="settings-panel"
      onSubmit={(event) => event.preventDefault()}
      onFocus={(event) => {
        if (!(event.target as HTMLElement).closest('.pending')) lastFocused.current = event.target as HTMLElement;
      }}
    >
      <h2 id="settings-title">Settings</h2>
      {replaying ? (
        <p className="field-hint" data-testid="settings-of-recording">
          The recording’s settings. “Train this experiment here” makes them editable.
        </p>
      ) : null}
      <fieldset className="settings-all" disabled={replaying}>

      {fieldset(
        'preset',
        'Time preset',
        <>
          <div className="button-row presets">
            {PRESET_NAMES.map((name) => {
              const preset = withTimePreset(draft, TIME_PRESETS[name]);
              const estimate = estimateFor(preset, backendReport, calibrations);
              const timing = calibrating !== null && backend !== null && profileKey(backend, calibrating.profile) === profileKey(backend, profileOf(preset));
              return (
                <button
                  key={name}
                  type="button"
                  aria-pressed={selectedPreset === name}
                  data-testid={`preset-${name}`}
                  onClick={() => edit(preset, 'preset')}
                >
                  <span className="preset-name">{PRESET_LABEL[name]}</span>
                  <span className="preset-detail">{presetDescription(preset)}</span>
                  <span className="preset-detail preset-estimate" data-testid={`preset-estimate-${name}`}>
                    {estimate
                      ? `${capitalise(formatEstimate(estimate.seconds))} on this device`
                      : timing
                        ? 'Timing this device…'
                        : anyTiming
                          ? 'Estimated once chosen'
                          : '\u00a0'}
                  </span>
                </button>
              );
            })}
          </div>
          {selectedPreset ? (
            <>
              <p className="preset-class-view" data-testid="preset-class-view">
                {PRESET_CLASS_VIEW[selectedPreset]}
              </p>
              <details className="field-hint preset-evidence" data-testid="preset-evidence">
                <summary>The evidence</summary>
                {PRESET_EVIDENCE[selectedPreset]}
              </details>
            </>
          ) : null}
        </>,
      )}

      {fieldset(
        'classes',
        'Classes (most → fewest training images)',
        draft.classes.map((classId, slot) => (
          <SelectField
            key={slot}
            label={`Class ${slot + 1} (${isMajor[slot] ? 'major' : 'minor'})`}
            value={classId}
            options={CIFAR10_CLASS_NAMES.map((name, id) => ({ value: id, label: name }))}
            onChange={(id) => setClass(slot, id)}
            testId={`setting-class-${slot}`}
          />
        )),
      )}

      {fieldset(
        'imbalance',
        'Imbalance',
        <>
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
        </>,
      )}

      {fieldset(
        'network',
        'Network',
        <>
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
        </>,
      )}

      {fieldset(
        'methods',
        `Methods (${lanes.length} of at most ${MAX_LANES}, trained side by side)`,
        <>
          <p className="field-hint">Each method trains its own network on the same images, batches and initial weights: one column of plots and one line style each.</p>
          <div className="button-row presets lane-sets" role="group" aria-label="Sets of methods, each asking one question">
            {LANE_SETS.map((set) => {
              // Every lane is a network of its own: the set's estimate counts its lanes.
              const estimate = estimateFor({ ...draft, methods: [...set.methods] }, backendReport, calibrations);
              return (
                <button key={set.key} type="button" aria-pressed={laneSet?.key === set.key} data-testid={`lane-set-${set.key}`} onClick={() => chooseLaneSet(set)}>
                  <span className="preset-name">{set.label}</span>
                  <span className="preset-detail">{set.methods.map((m) => METHODS[m].label).join(', ')}</span>
                  <span className="preset-detail preset-estimate">{set.question}</span>
                  {estimate ? (
                    <span className="preset-detail preset-estimate" data-testid={`lane-set-estimate-${set.key}`}>
                      {`${capitalise(formatEstimate(estimate.seconds))} on this device (${set.methods.length} networks)`}
                    </span>
                  ) : null}
                </button>
              );
            })}
          </div>
          {METHOD_NAMES.map((method) => {
            const tuned = lanes.filter((lane) => lane.method === method && lane.id !== method).map((lane) => lane.label);
            return (
              <CheckboxField
                key={method}
                label={tuned.length ? `${METHODS[method].label} (as set: ${tuned.join(', ')})` : METHODS[method].label}
                checked={lanes.some((lane) => lane.method === method)}
                onChange={(on) => toggleMethod(method, on)}
                hint={METHODS[method].summary}
                testId={`setting-method-${method}`}
              />
            );
          })}
          {methodsProblem ? (
            <p className="field-error" role="alert" data-testid="methods-problem">
              {methodsProblem}
            </p>
          ) : null}
          <LaneParameters
            lanes={lanes}
            mfw={draft}
            validate={(methods) => {
              const { config: next, problems } = tryEdit(draft, { methods });
              return next ? null : problems.join(' ');
            }}
            onChange={(methods) => commit({ methods })}
          />
        </>,
      )}

      {fieldset(
        'training',
        'Training',
        <>
          {numberField('epochs')}
          {numberField('batchSize')}
          {numberField('learningRate')}
          {numberField('warmupEpochs')}
          {numberField('momentum')}
          {numberField('weightDecay')}
        </>,
      )}

      {fieldset(
        'mfw',
        'MFW',
        <>
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
        </>,
      )}

      {fieldset(
        'run',
        'Run',
        <>
          {numberField('seed', { hint: 'same seed ⇒ same initial weights, batches and augmentation', also: { subsetSeed: draft.subsetSeed } })}
          {numberField('subsetSeed', { hint: 'which training images of each class are drawn (and the test sample, below 1000 per class); a link without one uses the seed' })}
          <SelectField<number>
            label={labelOf('seedVersion')}
            value={draft.seedVersion}
            options={[
              { value: 2, label: '2: each method draws its own random numbers' },
              { value: 1, label: '1: as before the method lab (older links and files)' },
            ]}
            onChange={(seedVersion) => commit({ seedVersion })}
            hint="Version 1 reproduces runs made before several methods could train side by side."
            testId="setting-seedVersion"
          />
          {numberField('trainFeatureSample')}
          {numberField('testPerClass', {
            hint: `10 – ${TEST_PER_CLASS}: fewer make each epoch's evaluation faster; results match the full test set (and the paper) only at ${TEST_PER_CLASS}`,
          })}
          <SelectField<BackendChoice>
            label={labelOf('backend')}
            value={draft.backend}
            options={(FIELDS.backend.kind === 'enum' ? (FIELDS.backend.choices as BackendChoice[]) : []).map((value) => ({ value, label: BACKEND_LABELS[value] ?? value }))}
            onChange={(backend) => commit({ backend })}
            hint="Automatic picks the fastest backend this device offers; the badge at the top says which and why."
            testId="setting-backend"
          />
        </>,
      )}
      </fieldset>
    </form>
  );
}
