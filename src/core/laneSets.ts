/**
 * Ready-made sets of lanes, each asking one question: the settings offer them one click away, so a
 * comparison need not be assembled method by method. The first is the default pair (ERM beside MFW),
 * so a first visitor's page is the one it always was. No tfjs here.
 */
import { DEFAULT_LANES, MAX_LANES, type MethodName } from './methods.ts';
import type { PostHocSetting } from './posthoc.ts';

export interface LaneSet {
  key: string;
  label: string;
  /** One sentence: what the set asks. */
  question: string;
  methods: readonly MethodName[];
  /** Post-hoc corrections the set puts on its lanes, by lane id. */
  postHoc?: Readonly<Record<string, PostHocSetting>>;
}

export const LANE_SETS: readonly LaneSet[] = [
  {
    key: 'mfw-vs-erm',
    label: 'MFW vs ERM',
    question: 'Does weakening the major classes’ features help the minor classes, against plain training?',
    methods: ['erm', 'mfw'],
  },
  {
    key: 're-weighting',
    label: 'vs re-weighting',
    question: 'Is MFW more than re-weighting the loss, from the start (RW) or late (DRW)?',
    methods: ['erm', 'rw', 'drw', 'mfw'],
  },
  {
    key: 'margins',
    label: 'margins and logits',
    question: 'Do larger margins (LDAM-DRW) or a prior-shifted loss (LA) move the boundaries as far as MFW?',
    methods: ['erm', 'ldam-drw', 'la', 'mfw'],
  },
  {
    key: 'mixing',
    label: 'mixing',
    question: 'Is MFW just mixing: how does it fare against mixup and Remix, which mix images and labels?',
    methods: ['erm', 'mixup', 'remix-drw', 'mfw'],
  },
  {
    key: 'decoupling',
    label: 'decoupling',
    question: 'Must the prior be learnt in training, or does ERM corrected afterwards (post-hoc logit adjustment, τ = 1) do as well as LA trained with it?',
    methods: ['erm', 'la'],
    postHoc: { erm: { kind: 'logit-adjustment', tau: 1, keepBias: true } },
  },
  {
    key: 'all-rivals',
    label: 'all rivals',
    question: 'Which family of remedies gains most for the minor classes in this run?',
    methods: ['erm', 'mfw', 'drw', 'ldam-drw', 'la', 'remix-drw'],
  },
];

/** The set whose methods are exactly these lanes (same order, default parameters), or null. */
export function laneSetOf(methods: readonly string[]): LaneSet | null {
  return LANE_SETS.find((set) => set.methods.length === methods.length && set.methods.every((m, i) => methods[i] === m)) ?? null;
}

/** Sanity of the table, for tests: the default set comes first and no set exceeds the lane limit. */
export const LANE_SETS_VALID = LANE_SETS[0].methods.join() === DEFAULT_LANES.join() && LANE_SETS.every((set) => set.methods.length <= MAX_LANES);
