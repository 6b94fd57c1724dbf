/**
 * Keeps keyboard focus on a usable control: when the focused control inside a container becomes
 * disabled or disappears (Play turns disabled once pressed), focus would fall to the page; it
 * moves to `fallback(container)` instead, e.g. Pause, or the container itself. Spread the returned props onto the container.
 */
import { useEffect, useRef, type FocusEvent } from 'react';

function focusIsLost(container: HTMLElement): boolean {
  const active = document.activeElement as HTMLElement | null;
  // The container itself holds focus only as a placeholder until a control is usable.
  if (!active || active === document.body || active === container) return true;
  return container.contains(active) && (active as HTMLButtonElement).disabled === true;
}

/** Checks after every render of the calling component, so call it where the controls are rendered. */
export function useFocusRescue<T extends HTMLElement>(fallback: (container: T) => HTMLElement | null | undefined) {
  const ref = useRef<T>(null);
  // Whether focus was last inside the container (moving to a control elsewhere clears it).
  const focusedInside = useRef(false);
  useEffect(() => {
    const container = ref.current;
    if (!container || !focusedInside.current || !focusIsLost(container)) return;
    const target = fallback(container);
    if (target && !(target as HTMLButtonElement).disabled) target.focus();
  });
  return {
    ref,
    onFocus: () => {
      focusedInside.current = true;
    },
    onBlur: (event: FocusEvent<T>) => {
      const next = event.relatedTarget as Node | null;
      if (next && !event.currentTarget.contains(next)) focusedInside.current = false;
    },
  };
}
