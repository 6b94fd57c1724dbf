/**
 * Post-hoc corrections of each lane's trained classifier, without training (core/posthoc.ts): logit
 * adjustment argmax z_c − τ·log π_c and τ-normalisation w_c/‖w_c‖^τ. The page applies them to the
 * shown epoch's snapshot, so the lane's regions, test accuracy and confusion matrix change at once.
 */
import { TAU_RANGE, NO_CORRECTION, type PostHocKind, type PostHocSetting } from '../../core/posthoc.ts';
import { fileSafeLaneId } from '../../core/methods.ts';

export interface PostHocLane {
  id: string;
  label: string;
  /** The corrections its head takes, 'none' first (postHocKindsFor). */
  kinds: readonly PostHocKind[];
  /** A cosine head's logit scale s, or null for a linear head. */
  cosineScale: number | null;
  /** The lane's training already compensates for the imbalance (a correction counts the prior twice). */
  compensates: boolean;
}

export interface PostHocPanelProps {
  lanes: readonly PostHocLane[];
  settings: Readonly<Record<string, PostHocSetting>>;
  onChange: (lane: string, setting: PostHocSetting) => void;
  trainCounts: readonly number[];
}

const KIND_LABELS: Record<PostHocKind, string> = {
  none: 'None (as trained)',
  'logit-adjustment': 'Logit adjustment: z_c − τ·log π_c',
  'tau-norm': 'τ-normalisation: w_c / ‖w_c‖^τ',
};

export function PostHocPanel({ lanes, settings, onChange, trainCounts }: PostHocPanelProps) {
  const total = trainCounts.reduce((a, b) => a + b, 0);
  const prior = trainCounts.map((n) => (n / total).toFixed(n / total < 0.01 ? 4 : 2)).join(', ');
  const active = lanes.some((lane) => (settings[lane.id]?.kind ?? 'none') !== 'none');
  return (
    <details className="post-hoc" data-testid="post-hoc">
      <summary>
        Post-hoc corrections, without training{active ? <span className="post-hoc-active"> (on)</span> : null}
      </summary>
      <p className="field-hint">
        Change only a trained lane’s last layer: its decision regions, test accuracy and confusion matrix are recomputed at once from the stored
        features. π is the training class prior ({prior}). τ = 0 changes nothing; the curves stay as trained.
      </p>
      <div className="post-hoc-lanes">
        {lanes.map((lane) => {
          const setting = settings[lane.id] ?? NO_CORRECTION;
          const id = fileSafeLaneId(lane.id);
          const set = (patch: Partial<PostHocSetting>) => onChange(lane.id, { ...setting, ...patch });
          return (
            <div key={lane.id} className="post-hoc-lane" data-testid={`post-hoc-${id}`}>
              <label className="post-hoc-kind">
                <strong>{lane.label}</strong>
                <select value={setting.kind} onChange={(event) => set({ kind: event.target.value as PostHocKind })} data-testid={`post-hoc-kind-${id}`}>
                  {lane.kinds.map((kind) => (
                    <option key={kind} value={kind}>
                      {KIND_LABELS[kind]}
                    </option>
                  ))}
                </select>
              </label>
              {lane.cosineScale === null ? null : (
                <p className="field-hint post-hoc-cosine" data-testid={`post-hoc-cosine-${id}`}>
                  Cosine head, z_c = {lane.cosineScale}·cos θ_c: under logit adjustment its features show at unit length, where the decision is
                  straight. No τ-normalisation: the head already divides w_c by ‖w_c‖.
                </p>
              )}
              {setting.kind === 'none' ? null : (
                <>
                  <label className="post-hoc-tau">
                    τ
                    <input
                      type="range"
                      min={TAU_RANGE.min}
                      max={TAU_RANGE.max}
                      step={TAU_RANGE.step}
                      value={setting.tau}
                      onChange={(event) => set({ tau: Number(event.target.value) })}
                      data-testid={`post-hoc-tau-${id}`}
                      aria-valuetext={`τ = ${setting.tau.toFixed(2)}`}
                    />
                    <output data-testid={`post-hoc-tau-value-${id}`}>{setting.tau.toFixed(2)}</output>
                  </label>
                  {setting.kind === 'tau-norm' ? (
                    <label className="post-hoc-bias">
                      <input type="checkbox" checked={setting.keepBias} onChange={(event) => set({ keepBias: event.target.checked })} data-testid={`post-hoc-bias-${id}`} />
                      keep the bias
                    </label>
                  ) : null}
                  {lane.compensates ? (
                    <p className="field-error post-hoc-warning" data-testid={`post-hoc-stacked-${id}`}>
                      {lane.label} already compensates for the imbalance in training: a correction on top counts the class prior twice.
                    </p>
                  ) : null}
                </>
              )}
            </div>
          );
        })}
      </div>
      {active ? (
        <p className="field-hint post-hoc-optimistic" data-testid="post-hoc-optimistic">
          A τ chosen by watching these test accuracies is optimistic: the test set then served to tune it. Fix τ beforehand (τ = 1 for logit
          adjustment, as its theory says) or choose it on other images.
        </p>
      ) : null}
    </details>
  );
}
