/**
 * Each lane's parameters (the spec's, as a link writes them: `la:tau=1.5`) and which lane is the
 * baseline the tables and cards compare with: the first. Choosing another baseline moves it to the
 * front; no other lane's numbers change, since each lane draws from the seed and its own method.
 */
import { fileSafeLaneId, specParameters, withLaneParameter, type Lane, type MfwSettings } from '../../core/methods.ts';
import { TextField } from './fields.tsx';

export interface LaneParametersProps {
  lanes: readonly Lane[];
  mfw: MfwSettings;
  /** Why these lane ids cannot train (a duplicate, a limit), or null. */
  validate: (methods: string[]) => string | null;
  onChange: (methods: string[]) => void;
}

export function LaneParameters({ lanes, mfw, validate, onChange }: LaneParametersProps) {
  const ids = lanes.map((lane) => lane.id);
  const replaced = (index: number, id: string) => ids.map((other, i) => (i === index ? id : other));
  return (
    <details className="lane-parameters" data-testid="lane-parameters">
      <summary>Each method’s parameters, and the baseline</summary>
      {lanes.map((lane, index) => {
        const safe = fileSafeLaneId(lane.id);
        return (
          <fieldset key={lane.id} className="lane-parameters-lane" data-testid={`lane-parameters-${safe}`}>
            <legend>{lane.label}</legend>
            <label className="checkbox-field">
              <input
                type="radio"
                name="baseline-lane"
                checked={index === 0}
                data-testid={`baseline-${safe}`}
                onChange={() => onChange([lane.id, ...ids.filter((id) => id !== lane.id)])}
              />
              the baseline (tables and cards compare with it)
            </label>
            {specParameters(lane.spec).map((parameter) => {
              const attempt = (text: string): { methods: string[] } | { error: string } => {
                const next = withLaneParameter(lane, parameter.key, text, mfw);
                return 'error' in next ? { error: next.error } : { methods: replaced(index, next.id) };
              };
              return (
                <TextField
                  key={parameter.key}
                  label={`${parameter.key}: ${parameter.label}`}
                  value={parameter.value}
                  validate={(text) => {
                    const next = attempt(text);
                    return 'error' in next ? next.error : validate(next.methods);
                  }}
                  onCommit={(text) => {
                    const next = attempt(text);
                    if ('methods' in next) onChange(next.methods);
                  }}
                  testId={`lane-parameter-${safe}-${parameter.key}`}
                />
              );
            })}
          </fieldset>
        );
      })}
    </details>
  );
}
