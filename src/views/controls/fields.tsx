/**
 * Small labelled inputs for the settings panel. Each shows its validation message next to itself
 * and only hands a value on when validateConfig accepts it, so invalid input never reaches the engine.
 */
import { useId, useState, type ChangeEvent, type KeyboardEvent, type ReactNode } from 'react';

interface FieldShellProps {
  id: string;
  label: string;
  hint?: string;
  error?: string | null;
  note?: string | null;
  children: ReactNode;
}

export function FieldShell({ id, label, hint, error, note, children }: FieldShellProps) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && !error ? <span className="field-hint" id={`${id}-hint`}>{hint}</span> : null}
      {error ? (
        <span className="field-error" id={`${id}-error`} role="alert" data-testid="field-error">
          {error}
        </span>
      ) : null}
      {note && !error ? <span className="field-note">{note}</span> : null}
    </div>
  );
}

export interface NumberFieldProps {
  label: string;
  value: number;
  /** Checks a typed number: returns an error message or null when the value may be committed. */
  validate: (value: number) => string | null;
  onCommit: (value: number) => void;
  hint?: string;
  note?: string | null;
  step?: number | 'any';
  min?: number;
  max?: number;
  testId: string;
}

/** The text typed into a box, replaced whenever a new value comes from outside (a preset, a link). */
function useDraft(shown: string): [string, (text: string) => void] {
  const [text, setText] = useState(shown);
  const [shownValue, setShownValue] = useState(shown);
  if (shownValue !== shown) {
    setShownValue(shown);
    setText(shown);
  }
  return [text, setText];
}

/** A draft box's handlers: commit on Enter or leaving it, Escape brings the value back, so a half-typed value never reconfigures the training. */
function draftHandlers(shown: string, setText: (text: string) => void, commit: () => void) {
  return {
    onChange: (event: ChangeEvent<HTMLInputElement>) => setText(event.target.value),
    onBlur: commit,
    onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => {
      if (event.key === 'Enter') commit();
      if (event.key === 'Escape') setText(shown);
    },
  };
}

/** A number box that validates while typing and commits on Enter or leaving the field. */
export function NumberField({ label, value, validate, onCommit, hint, note, step = 'any', min, max, testId }: NumberFieldProps) {
  const id = useId();
  const [text, setText] = useDraft(String(value));
  const parsed = text.trim() === '' ? Number.NaN : Number(text);
  const error = Number.isFinite(parsed) ? validate(parsed) : `${label} must be a number.`;
  const commit = () => {
    if (error === null && parsed !== value) onCommit(parsed);
  };
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} note={note}>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        step={step}
        min={min}
        max={max}
        value={text}
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        data-testid={testId}
        {...draftHandlers(String(value), setText, commit)}
      />
    </FieldShell>
  );
}

/** A text box for values such as “input” or “eq12”: validated while typing, committed on Enter or leaving it. */
export function TextField({ label, value, validate, onCommit, hint, testId }: { label: string; value: string; validate: (text: string) => string | null; onCommit: (text: string) => void; hint?: string; testId: string }) {
  const id = useId();
  const [text, setText] = useDraft(value);
  const error = text.trim() === value ? null : validate(text.trim());
  const commit = () => {
    if (error === null && text.trim() !== value) onCommit(text.trim());
  };
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        type="text"
        value={text}
        spellCheck={false}
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        data-testid={testId}
        {...draftHandlers(value, setText, commit)}
      />
    </FieldShell>
  );
}

export interface SelectFieldProps<T extends string | number> {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  hint?: string;
  note?: string | null;
  testId: string;
}

export function SelectField<T extends string | number>({ label, value, options, onChange, hint, note, testId }: SelectFieldProps<T>) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} hint={hint} note={note}>
      <select
        id={id}
        value={String(value)}
        data-testid={testId}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => {
          const option = options.find((o) => String(o.value) === event.target.value);
          if (option) onChange(option.value);
        }}
      >
        {options.map((option) => (
          <option key={String(option.value)} value={String(option.value)}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckboxField({ label, checked, onChange, hint, testId }: { label: string; checked: boolean; onChange: (checked: boolean) => void; hint?: string; testId: string }) {
  const id = useId();
  return (
    <div className="field field-checkbox">
      <input id={id} type="checkbox" checked={checked} data-testid={testId} aria-describedby={hint ? `${id}-hint` : undefined} onChange={(event) => onChange(event.target.checked)} />
      <label htmlFor={id}>{label}</label>
      {hint ? <span className="field-hint" id={`${id}-hint`}>{hint}</span> : null}
    </div>
  );
}

export interface FilePickerProps {
  label: string;
  accept: string;
  onFiles: (files: File[]) => void;
  multiple?: boolean;
  disabled?: boolean;
  primary?: boolean;
  testId: string;
}

/** A file input pressed through a label styled as a button; the input itself stays focusable. */
export function FilePicker({ label, accept, onFiles, multiple = false, disabled = false, primary = false, testId }: FilePickerProps) {
  const id = useId();
  return (
    <>
      <label htmlFor={id} className={`button-like${primary ? ' primary' : ''}${disabled ? ' disabled' : ''}`}>
        {label}
      </label>
      <input
        id={id}
        type="file"
        accept={accept}
        multiple={multiple}
        disabled={disabled}
        className="visually-hidden-file"
        data-testid={testId}
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          // Cleared, so choosing the same file again is a change too.
          event.target.value = '';
          if (files.length) onFiles(files);
        }}
      />
    </>
  );
}
