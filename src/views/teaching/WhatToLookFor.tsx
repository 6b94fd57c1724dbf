import { WHAT_TO_LOOK_FOR, type PlotKind } from './captions.ts';
import '../theme.css';

export interface WhatToLookForProps {
  kind: PlotKind;
  /** What the run on screen shows (findings.ts); null before the first epoch. */
  finding?: string | null;
  /** One short plain-language line (presentation mode), shown large above the guide; null for none. */
  takeaway?: string | null;
}

/** A short reading guide under a plot: what the paper found, then what this run shows. */
export function WhatToLookFor({ kind, finding = null, takeaway = null }: WhatToLookForProps) {
  const guide = (
    <p className="ip-what-to-look-for" data-testid={`what-to-look-for-${kind}`}>
      <strong>What to look for: </strong>
      {WHAT_TO_LOOK_FOR[kind]}
      {finding ? (
        <span className="ip-finding" data-testid={`finding-${kind}`}>
          {' '}
          <strong>This run: </strong>
          {finding}
        </span>
      ) : null}
    </p>
  );
  if (!takeaway) return guide;
  return (
    <>
      <p className="ip-takeaway" data-testid={`takeaway-${kind}`}>
        {takeaway}
      </p>
      {guide}
    </>
  );
}
