import { WHAT_TO_LOOK_FOR, type PlotKind } from './captions.ts';
import '../theme.css';

export interface WhatToLookForProps {
  kind: PlotKind;
}

/** A one-line reading guide under a plot. */
export function WhatToLookFor({ kind }: WhatToLookForProps) {
  return (
    <p className="ip-what-to-look-for" data-testid={`what-to-look-for-${kind}`}>
      <strong>What to look for: </strong>
      {WHAT_TO_LOOK_FOR[kind]}
    </p>
  );
}
