export { WhatToLookFor, type WhatToLookForProps } from './WhatToLookFor.tsx';
export { MfwExplainer, type MfwExplainerProps } from './MfwExplainer.tsx';
export { WHAT_TO_LOOK_FOR, type PlotKind } from './captions.ts';
export { runFinding, runTakeaway, type FindingInput } from './findings.ts';
export { MethodCards } from './MethodCards.tsx';
export { methodCards, type MethodCard, type MethodCardInput } from './methodCards.ts';
