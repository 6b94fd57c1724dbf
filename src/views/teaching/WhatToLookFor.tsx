import { WHAT_TO_LOOK_FOR, type PlotKind } from './captions.ts';
import '../theme.css';

export interface WhatToLookForProps {
  kind: PlotKind;
  /** What the run on screen shows (findings.ts); null before the first epoch. */
  finding?: string | null;
}

/** A short reading guide under a plot: what the paper found, then what this run shows. */
export function WhatToLookFor({ kind, finding = null }: WhatToLookForProps) {
  return (
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
}
