/**
 * The plot area: the feature space (with two lanes, ERM beside MFW for the training and for the test
 * features, each pair with its caption underneath; with other counts, one column per lane, training
 * above test on the lane's own axis range) with each method's card and the post-hoc corrections, the
 * curves along the epochs, the results at the shown epoch (table and confusion matrices) and over the
 * run (a row per lane). Every caption says what the paper found and what this run shows. In
 * presentation mode only the plots a class needs are shown. Recordings of several seeds opened
 * together add, first, each lane's accuracy over the seeds; the rest shows the first seed's run.
 */
import { createContext, useCallback, useContext, useMemo, useState, type CSSProperties, type ReactNode } from 'react';
import { lanesOf } from '../config/experiment.ts';
import { TEST_PER_CLASS } from '../config/imbalance.ts';
import type { EpochSnapshot, RunSnapshot } from '../core/snapshot.ts';
import { fileSafeLaneId, logitScale, type Lane } from '../core/methods.ts';
import { selectShownSnapshot, useAppStore } from '../state/store.ts';
import { seedLabels, sharedSubsetSeed } from '../state/seedSet.ts';
import {
  AccuracyCurves,
  BalancedAccuracyCurves,
  BiasMultiples,
  ClassWeightCurves,
  CleanLossCurves,
  ConfusionMatrix,
  GradientRatioCurves,
  PartnerShareCurves,
  RelabelledCurves,
  WeightNormMultiples,
  DeviationCurves,
  FeatureScatter,
  GradientNormCurves,
  LossCurves,
  RatioCurves,
  ResultsTable,
  RunResultsTable,
  SeedCurves,
  epochsFeatureDomain,
  linkedIndexFor,
  nextLinkedPick,
  paperFigure,
  SAME_AXES_COVERAGE,
  sharedFeatureDomain,
  type LinkedPick,
  type OtherLane,
  predictAll,
  type CurvesProps,
  type Domain,
} from '../views/charts/index.ts';
import { useViewportHeight } from '../views/charts/useContainerWidth.ts';
import { MethodCards, MfwExplainer, WhatToLookFor, methodCards, runFinding, runTakeaway, type PlotKind } from '../views/teaching/index.ts';
import { ChartSizeContext, FONT, PRESENTATION_SIZES, laneStyles, type LaneStyle } from '../views/theme.ts';
import { ChartFrame } from '../views/controls/ChartFrame.tsx';
import { PostHocPanel } from '../views/controls/PostHocPanel.tsx';
import { alreadyCompensates, applyPostHoc, onUnitCircle, postHocKindsFor, postHocLabel, type PostHocSetting } from '../core/posthoc.ts';

const SPLITS = [
  { key: 'train', title: 'Training features', noun: 'training image', caption: 'train-scatter' },
  { key: 'test', title: 'Test features', noun: 'test image', caption: 'test-scatter' },
] as const;

/** Screen height left for the square plot once the header, status bar, titles, legend, axis and caption are counted. */
const PLOT_CHROME_HEIGHT = 300;
/** The largest plot of a column of small multiples (more than two lanes side by side). */
const SMALL_MULTIPLE_SIZE = 320;
/** Lanes side by side at most: five or six lanes wrap into rows of three, each with its training row above its test row. */
const MAX_LANE_COLUMNS = 4;
/** The axes of a cosine lane under logit adjustment, whose features are shown at unit length (core/posthoc.ts). */
const UNIT_CIRCLE_DOMAIN: Domain = { x: [-1.15, 1.15], y: [-1.15, 1.15] };

/** The lanes in rows of small multiples: all in one row up to MAX_LANE_COLUMNS, else rows of three. */
function laneRows<T>(lanes: readonly T[]): T[][] {
  const columns = lanes.length <= MAX_LANE_COLUMNS ? lanes.length : 3;
  const rows: T[][] = [];
  for (let i = 0; i < lanes.length; i += columns) rows.push(lanes.slice(i, i + columns));
  return rows;
}

/** The configuration's lanes with their labels and line styles, in order. */
function useLanes(): LaneStyle[] {
  const config = useAppStore((s) => s.config);
  return useMemo(() => laneStyles(lanesOf(config)), [config]);
}

/** Each lane's post-hoc correction (none by default), shared by the feature space, the results and the panel. */
const PostHocContext = createContext<{ settings: Readonly<Record<string, PostHocSetting>>; set: (lane: string, setting: PostHocSetting) => void }>({
  settings: {},
  set: () => undefined,
});

/** The shown epoch with each lane's post-hoc correction applied (the stored snapshot when none is). */
function useCorrectedSnapshot(): EpochSnapshot | null {
  const snapshot = useAppStore(selectShownSnapshot);
  const config = useAppStore((s) => s.config);
  const { settings } = useContext(PostHocContext);
  return useMemo(() => (snapshot ? applyPostHoc(snapshot, settings, config.trainCounts, lanesOf(config)) : null), [snapshot, settings, config]);
}

/** The lanes with their labels naming a post-hoc correction where one applies, for the views that show it. */
function useCorrectedLanes(): LaneStyle[] {
  const lanes = useLanes();
  const { settings } = useContext(PostHocContext);
  return useMemo(
    () =>
      lanes.map((lane) => {
        const named = settings[lane.id] ? postHocLabel(settings[lane.id]) : '';
        return named ? { ...lane, label: `${lane.label} · ${named}` } : lane;
      }),
    [lanes, settings],
  );
}

function PostHocControls() {
  const config = useAppStore((s) => s.config);
  const { settings, set } = useContext(PostHocContext);
  const lanes = useMemo(
    () =>
      lanesOf(config).map((lane) => ({
        id: lane.id,
        label: lane.label,
        kinds: postHocKindsFor(lane.spec),
        cosineScale: lane.spec.head === 'cosine' ? logitScale(lane.spec) : null,
        compensates: alreadyCompensates(lane.spec),
      })),
    [config],
  );
  return <PostHocPanel lanes={lanes} settings={settings} onChange={set} trainCounts={config.trainCounts} />;
}

/** Each lane's method card, its caption read from the epoch on screen as trained. */
function LaneMethodCards() {
  const snapshot = useAppStore(selectShownSnapshot);
  const config = useAppStore((s) => s.config);
  const cards = useMemo(() => methodCards({ snapshot, lanes: lanesOf(config), trainCounts: config.trainCounts, epochs: config.epochs }), [snapshot, config]);
  return <MethodCards cards={cards} />;
}

/** What this run shows in a plot, and in presentation mode its one-line takeaway. */
function useFinding(kind: PlotKind): { finding: string | null; takeaway: string | null } {
  // What this run shows, of the epoch as shown: with a lane's post-hoc correction where one applies.
  const snapshot = useCorrectedSnapshot();
  const history = useAppStore((s) => s.history);
  const config = useAppStore((s) => s.config);
  const presentation = useAppStore((s) => s.presentation);
  const lanes = useMemo(() => lanesOf(config), [config]);
  return useMemo(() => {
    const input = { snapshot, history, trainCounts: config.trainCounts, lanes };
    return { finding: runFinding(kind, input), takeaway: presentation ? runTakeaway(kind, input) : null };
  }, [kind, snapshot, history, config.trainCounts, lanes, presentation]);
}

function Caption({ kind }: { kind: PlotKind }) {
  const { finding, takeaway } = useFinding(kind);
  return <WhatToLookFor kind={kind} finding={finding} takeaway={takeaway} />;
}

type Split = (typeof SPLITS)[number];

/** The point picked in one lane's scatter, ringed in every other lane's scatter of the same split (same index: same image). */
type LinkedPoint = LinkedPick<Split['key']>;

interface ScatterCellProps {
  lane: LaneStyle;
  linked: LinkedPoint | null;
  onPick: (split: Split['key'], lane: string, index: number | null) => void;
  split: Split;
  snapshot: EpochSnapshot | null;
  domain: Domain | null;
  classNames: string[];
  maxPlotSize: number;
  /** A small multiple (more than two lanes side by side): a short title, as the epoch shows above. */
  compact: boolean;
  /** The other lanes' predictions of this split's points, for the read-out. */
  otherLanes: readonly OtherLane[];
}

/** One lane's scatter of one split, or the placeholder before the first epoch. */
function ScatterCell({ lane, linked, onPick, split: { key, title, noun }, snapshot, domain, classNames, maxPlotSize, compact, otherLanes }: ScatterCellProps) {
  const pointImages = useAppStore((s) => s.pointImages);
  const onActiveChange = useCallback((index: number | null) => onPick(key, lane.id, index), [onPick, key, lane.id]);
  const name = `scatter-${fileSafeLaneId(lane.id)}-${key}`;
  const run = snapshot?.runs[lane.id] as RunSnapshot | undefined;
  if (!snapshot || !domain || !run) {
    return (
      <div className="placeholder" data-testid={`placeholder-${fileSafeLaneId(lane.id)}-${key}`}>
        {lane.label}: the {title.toLowerCase()} f(x) and the decision regions appear here after the first epoch.
      </div>
    );
  }
  return (
    <ChartFrame name={name} epoch={snapshot.epoch} label={`${lane.label} ${title.toLowerCase()}`}>
      <FeatureScatter
        features={key === 'train' ? run.trainFeatures : run.testFeatures}
        labels={key === 'train' ? snapshot.trainFeatureLabels : snapshot.testLabels}
        classifier={run.classifier}
        classNames={classNames}
        domain={domain}
        title={compact ? `${lane.label} — ${key === 'train' ? 'training' : 'test'}` : `${lane.label} — ${title.toLowerCase()}, epoch ${snapshot.epoch}`}
        maxPlotSize={maxPlotSize}
        images={pointImages?.[key]}
        pointNoun={noun}
        testId={name}
        linkedIndex={linkedIndexFor(linked, key, lane.id)}
        onActiveChange={onActiveChange}
        otherLanes={otherLanes}
      />
    </ChartFrame>
  );
}

function FeatureSpace({ classNames }: { classNames: string[] }) {
  const snapshot = useCorrectedSnapshot();
  const history = useAppStore((s) => s.history);
  const presentation = useAppStore((s) => s.presentation);
  const lanes = useCorrectedLanes();
  const config = useAppStore((s) => s.config);
  const { settings } = useContext(PostHocContext);
  const viewportHeight = useViewportHeight();
  // Axes fixed over all stored epochs by default, so scrubbing shows the features move, not the ticks.
  const [sameAxes, setSameAxes] = useState(true);
  // Two lanes share one range over both splits, as ever. Small multiples give each lane its own range
  // over its training and test features: feature scales differ by method (a cosine head leaves the
  // feature's length free, LDAM's grows to thousands), and one shared range would squeeze the others into a corner.
  const pair = lanes.length === 2;
  const domains = useMemo(() => {
    if (!snapshot) return null;
    const domainOf = (lane: string | null) =>
      sameAxes
        ? epochsFeatureDomain(history, undefined, lane)
        : sharedFeatureDomain(lane === null ? Object.values(snapshot.runs) : [snapshot.runs[lane]].filter(Boolean));
    const both = pair ? domainOf(null) : null;
    // A cosine lane under logit adjustment is drawn at unit length, whatever its features' length as trained.
    return Object.fromEntries(
      lanesOf(config).map((lane) => [lane.id, onUnitCircle(lane.spec, settings[lane.id]) ? UNIT_CIRCLE_DOMAIN : (both ?? domainOf(lane.id))]),
    );
  }, [sameAxes, history, snapshot, pair, config, settings]);
  // Points of the shown epoch beyond the shared axes (the range leaves out the farthest 1 % at each end).
  const outside = useMemo(() => {
    if (!snapshot || !domains || !sameAxes) return 0;
    let count = 0;
    for (const [lane, run] of Object.entries(snapshot.runs)) {
      for (const split of SPLITS) {
        const domain = domains[lane];
        if (!domain) continue;
        const { x, y } = domain;
        const f = split.key === 'train' ? run.trainFeatures : run.testFeatures;
        for (let i = 0; i + 1 < f.length; i += 2) if (f[i] < x[0] || f[i] > x[1] || f[i + 1] < y[0] || f[i + 1] > y[1]) count++;
      }
    }
    return count;
  }, [snapshot, domains, sameAxes]);
  const maxPlotSize = Math.max(240, Math.min(pair ? 560 : SMALL_MULTIPLE_SIZE, viewportHeight - PLOT_CHROME_HEIGHT));
  // Hovering or focusing a point in one lane's scatter rings the same image in the other lanes' scatters.
  const [linked, setLinked] = useState<LinkedPoint | null>(null);
  const onPick = useCallback((split: Split['key'], lane: string, index: number | null) => {
    setLinked((current) => nextLinkedPick(current, split, lane, index));
  }, []);
  // Every lane's prediction of every point, so a read-out says where its image lands under each method.
  const predictions = useMemo(() => {
    if (!snapshot) return null;
    const of = (key: Split['key']) =>
      lanes.flatMap((lane) => {
        const run = snapshot.runs[lane.id];
        return run ? [{ id: lane.id, label: lane.label, predictions: predictAll(run.classifier, key === 'train' ? run.trainFeatures : run.testFeatures) }] : [];
      });
    return { train: of('train'), test: of('test') };
  }, [snapshot, lanes]);
  const cell = (lane: LaneStyle, split: Split) => (
    <ScatterCell
      key={`${lane.id}-${split.key}`}
      lane={lane}
      linked={linked}
      onPick={onPick}
      split={split}
      snapshot={snapshot}
      domain={domains?.[lane.id] ?? null}
      classNames={classNames}
      maxPlotSize={maxPlotSize}
      compact={!pair}
      otherLanes={predictions?.[split.key].filter((other) => other.id !== lane.id) ?? []}
    />
  );

  return (
    <section className="feature-space" aria-labelledby="feature-space-title" data-testid="feature-space">
      <div className="section-head">
        <h2 id="feature-space-title">
          Feature space f(x){' '}
          <span className="run-subtitle">
            {pair
              ? `${lanes[0].label} beside ${lanes[1].label} on the same axes`
              : `one column per method, training above test on the method's own axes`}
            ; colour and shape = true class, hollow = misclassified
          </span>
        </h2>
        <label className="axes-toggle">
          <input type="checkbox" data-testid="same-axes" checked={sameAxes} onChange={(event) => setSameAxes(event.target.checked)} />
          Same axes for every epoch
        </label>
        <p className="axes-note" data-testid="axes-note">
          {sameAxes
            ? `The axes cover the central ${Math.round(SAME_AXES_COVERAGE * 100)} % of all stored epochs’ points on each axis, with a margin, so a few far outliers do not shrink the rest` +
              (outside > 0 ? `: ${outside} point${outside === 1 ? '' : 's'} of epoch ${snapshot?.epoch} lie${outside === 1 ? 's' : ''} outside.` : '.')
            : 'The axes fit every point of the epoch shown.'}
        </p>
      </div>
      {/* A researcher's tool: presentation mode shows only what a class needs. */}
      {!presentation && (
        <>
          <LaneMethodCards />
          <PostHocControls />
        </>
      )}
      {pair ? (
        <div className="scatter-pairs">
          {SPLITS.map((split) => (
            <div key={split.key} className="scatter-pair" data-testid={`scatter-pair-${split.key}`}>
              <div className="scatter-pair-plots">{lanes.map((lane) => cell(lane, split))}</div>
              <Caption kind={split.caption} />
            </div>
          ))}
        </div>
      ) : (
        <div className="scatter-lanes" data-testid="scatter-lanes">
          {laneRows(lanes).map((row, i, rows) => (
            <div key={i} className="lane-grid" style={{ '--lanes': rows[0].length } as CSSProperties}>
              {SPLITS.map((split) => row.map((lane) => cell(lane, split)))}
            </div>
          ))}
          {SPLITS.map((split) => (
            <Caption key={split.key} kind={split.caption} />
          ))}
        </div>
      )}
    </section>
  );
}

const SEED_MEASURES = ['balanced', 'minor'] as const;

/** A seed set on screen (recordings of one setting, differing in seed): every lane's mean accuracy over the seeds with its band. */
function SeedAggregate({ presentation }: { presentation: boolean }) {
  const seeds = useAppStore((s) => s.replay?.seeds ?? null);
  const selectedEpoch = useAppStore((s) => s.selectedEpoch);
  const history = useAppStore((s) => s.history);
  const lanes = useLanes();
  if (!seeds) return null;
  const count = seeds.seeds.length;
  const labels = seedLabels(seeds);
  const shared = sharedSubsetSeed(seeds);
  const epoch = selectedEpoch ?? history.at(-1)?.epoch ?? null;
  return (
    <section className="seed-aggregate" aria-labelledby="seed-aggregate-title" data-testid="seed-aggregate">
      <h2 id="seed-aggregate-title">
        Seeds: {count}{' '}
        <span className="run-subtitle">
          {labels.every((label, i) => label === `seed ${seeds.seeds[i]}`) ? `seeds ${seeds.seeds.join(', ')}` : labels.join('; ')}
          {shared === null ? '' : ` (one subset: subset seed ${shared})`} of one setting, opened together
        </span>
      </h2>
      <p className="ip-what-to-look-for" data-testid="seed-caption">
        Each method’s test accuracy over the {count} seeds: the line is the mean, the shaded band ± 1 sample standard deviation (n − 1) over
        the seeds. Where two methods’ bands overlap, these seeds do not tell them apart. Everything below — the feature space, the per-class
        curves and the tables — shows one run: {labels[0]} (<code>{seeds.names[0]}</code>).
      </p>
      <div className="curve-grid">
        {SEED_MEASURES.map((measure) => (
          <div key={measure} data-testid={`curve-seed-${measure}`}>
            <ChartFrame name={`seed-${measure}`} epoch={epoch} label={`${measure} test accuracy over the seeds`}>
              <SeedCurves bands={seeds.bands} lanes={lanes} measure={measure} seeds={count} selectedEpoch={selectedEpoch} plotHeight={presentation ? 280 : 220} />
            </ChartFrame>
          </div>
        ))}
      </div>
    </section>
  );
}

interface CurveSpec {
  name: string;
  label: string;
  kind: PlotKind;
  /** Shown in presentation mode too. */
  essential: boolean;
  Chart: (props: CurvesProps) => ReactNode;
}

const CURVES: readonly CurveSpec[] = [
  { name: 'accuracy-train', label: 'training accuracy curves', kind: 'train-accuracy', essential: true, Chart: (props) => <AccuracyCurves {...props} split="train" /> },
  { name: 'accuracy-test', label: 'test accuracy curves', kind: 'test-accuracy', essential: true, Chart: (props) => <AccuracyCurves {...props} split="test" /> },
  { name: 'gradient-norm', label: 'feature gradient norm curves', kind: 'gradient-norm', essential: true, Chart: GradientNormCurves },
  { name: 'deviation', label: 'feature deviation curves', kind: 'deviation', essential: true, Chart: DeviationCurves },
  { name: 'ratio', label: 'classification ratio curves', kind: 'ratio', essential: false, Chart: RatioCurves },
  { name: 'loss', label: 'training loss curves', kind: 'loss', essential: false, Chart: LossCurves },
];

function Curves({ classNames, presentation }: { classNames: string[]; presentation: boolean }) {
  const history = useAppStore((s) => s.history);
  const selectedEpoch = useAppStore((s) => s.selectedEpoch);
  const lanes = useLanes();
  const props: CurvesProps = { history, classNames, lanes, selectedEpoch, plotHeight: presentation ? 280 : 220 };
  const epoch = selectedEpoch ?? history.at(-1)?.epoch ?? null;
  return (
    <section className="curves" aria-labelledby="curves-title" data-testid="curves">
      <h2 id="curves-title">
        Along the epochs{' '}
        <span className="run-subtitle">
          {lanes.every((lane) => lane.method === 'erm' || lane.method === 'mfw')
            ? lanes.map((lane) => `${lane.label} ${lane.dash ? 'dashed' : 'solid'}`).join(', ')
            : 'one line style per method, as each legend shows'}
          ; one colour and marker per class; hover or focus a chart to read an epoch’s values
        </span>
      </h2>
      <div className="curve-grid">
        {CURVES.filter((curve) => !presentation || curve.essential).map(({ name, label, kind, Chart }) => (
          <div key={name} data-testid={`curve-${name}`}>
            <ChartFrame name={name} epoch={epoch} label={label}>
              <Chart {...props} />
            </ChartFrame>
            <Caption kind={kind} />
          </div>
        ))}
      </div>
      <LabCurves classNames={classNames} presentation={presentation} />
    </section>
  );
}

interface LabCurveSpec {
  name: string;
  label: string;
  /** What to read in it, under the chart. */
  caption: string;
  /** The lanes that have the measure. */
  lanes: (lanes: readonly Lane[]) => readonly Lane[];
  Chart: (props: CurvesProps & { trainCounts: readonly number[] }) => ReactNode;
}

const allLanes = (lanes: readonly Lane[]) => lanes;
const LAB_CURVES: readonly LabCurveSpec[] = [
  {
    name: 'lab-accuracy',
    label: 'balanced and minor-class test accuracy curves',
    caption: 'Thick lines: balanced test accuracy (the mean over the classes); thin: the minor classes’ mean. A remedy should lift the thin line without lowering the thick one.',
    lanes: allLanes,
    Chart: BalancedAccuracyCurves,
  },
  {
    name: 'lab-gradient-ratio',
    label: 'minor ÷ major feature-gradient norm curves',
    caption: 'Below 1 the major classes pull the features harder than the minor ones (paper Fig. 4); a ratio, so methods with losses of different scale compare.',
    lanes: allLanes,
    Chart: GradientRatioCurves,
  },
  {
    name: 'lab-clean-loss',
    label: 'clean training cross-entropy curves',
    caption: 'Plain cross-entropy on the training images without mixing, weights, margins or offsets: the one training loss every method can be compared on.',
    lanes: allLanes,
    Chart: CleanLossCurves,
  },
  {
    name: 'lab-weight-norm',
    label: 'classifier weight norm curves',
    caption: 'A smaller ‖w_c‖ for the minor classes is a classifier biased against them; a cosine head (LDAM) ignores the norm when it predicts.',
    lanes: allLanes,
    Chart: WeightNormMultiples,
  },
  {
    name: 'lab-bias',
    label: 'classifier bias curves',
    caption: 'A larger b_c for the major classes is the class prior learnt into the classifier, what logit adjustment subtracts. Lanes with a cosine head (LDAM) have no bias and are left out.',
    lanes: (lanes) => lanes.filter((lane) => lane.spec.head === 'linear'),
    Chart: BiasMultiples,
  },
  {
    name: 'lab-class-weights',
    label: 'class weight curves',
    caption: 'The loss weight of each class: 1 until a deferred re-weighting (DRW) starts at 80 % of the epochs.',
    lanes: (lanes) => lanes.filter((lane) => lane.spec.reweight.kind !== 'none'),
    Chart: ClassWeightCurves,
  },
  {
    name: 'lab-relabelled',
    label: 'Remix relabelled fraction curves',
    caption: 'The share of Remix’s mixed samples whose label went wholly to the minority side of a lopsided pair.',
    lanes: (lanes) => lanes.filter((lane) => lane.spec.mixing.kind === 'remix'),
    Chart: RelabelledCurves,
  },
  {
    name: 'lab-partner-share',
    label: 'mean partner share curves',
    caption: 'How much of a partner each class’s samples took in on average: MFW mixes the major classes only; mixup and Remix every class alike.',
    lanes: (lanes) => lanes.filter((lane) => lane.spec.mixing.kind !== 'none'),
    Chart: PartnerShareCurves,
  },
];

/** Whether the lanes are the ERM and MFW pair the page was made for (its curves then stay as they were). */
function isDefaultPair(lanes: readonly Lane[]): boolean {
  return lanes.length === 2 && lanes.every((lane, i) => lane.id === ['erm', 'mfw'][i]);
}

/** The method lab's curves, for any lanes but the default pair: measures comparable across methods, and each method's own. */
function LabCurves({ classNames, presentation }: { classNames: string[]; presentation: boolean }) {
  const history = useAppStore((s) => s.history);
  const selectedEpoch = useAppStore((s) => s.selectedEpoch);
  const config = useAppStore((s) => s.config);
  const lanes = useMemo(() => lanesOf(config), [config]);
  const styles = useLanes();
  if (presentation || isDefaultPair(lanes)) return null;
  const epoch = selectedEpoch ?? history.at(-1)?.epoch ?? null;
  return (
    <>
      <h3 className="lab-curves-title" data-testid="lab-curves-title">
        Comparing the methods <span className="run-subtitle">one line style per method, as in the other charts</span>
      </h3>
      <div className="curve-grid" data-testid="lab-curves">
        {LAB_CURVES.map(({ name, label, caption, lanes: pick, Chart }) => {
          const ids = new Set(pick(lanes).map((lane) => lane.id));
          if (ids.size === 0) return null;
          const props: CurvesProps & { trainCounts: readonly number[] } = {
            history,
            classNames,
            lanes: styles.filter((lane) => ids.has(lane.id)),
            selectedEpoch,
            plotHeight: 220,
            trainCounts: config.trainCounts,
          };
          return (
            <div key={name} data-testid={`curve-${name}`}>
              <ChartFrame name={name} epoch={epoch} label={label}>
                <Chart {...props} />
              </ChartFrame>
              <p className="ip-what-to-look-for">{caption}</p>
            </div>
          );
        })}
      </div>
    </>
  );
}

function ConfusionMatrices({ snapshot, classNames, lanes }: { snapshot: EpochSnapshot; classNames: string[]; lanes: LaneStyle[] }) {
  const shown = lanes.filter((lane) => lane.id in snapshot.runs);
  return (
    <div className="confusion-pair" data-testid="confusion-pair">
      <div className={`confusion-pair-plots${shown.length === 2 ? '' : ' lane-grid'}`} style={{ '--lanes': shown.length } as CSSProperties}>
        {shown.map((lane) => {
          const name = `confusion-${fileSafeLaneId(lane.id)}`;
          return (
            <ChartFrame key={lane.id} name={name} epoch={snapshot.epoch} label={`${lane.label} confusion matrix`}>
              <ConfusionMatrix
                features={snapshot.runs[lane.id].testFeatures}
                labels={snapshot.testLabels}
                classifier={snapshot.runs[lane.id].classifier}
                classNames={classNames}
                title={`${lane.label} — test set, epoch ${snapshot.epoch}`}
                testId={name}
              />
            </ChartFrame>
          );
        })}
      </div>
      <Caption kind="confusion" />
    </div>
  );
}

function Results({ classNames, presentation }: { classNames: string[]; presentation: boolean }) {
  const snapshot = useCorrectedSnapshot();
  const history = useAppStore((s) => s.history);
  const config = useAppStore((s) => s.config);
  const lanes = useCorrectedLanes();
  const trainedLanes = useLanes();
  const paperFigures = useMemo(() => Object.fromEntries(lanesOf(config).map((lane) => [lane.id, paperFigure(config, lane)])), [config]);
  return (
    <section className="results" aria-label="Results" data-testid="results">
      <div className="results-table">
        <ResultsTable
          snapshot={snapshot}
          classNames={classNames}
          trainCounts={config.trainCounts}
          lanes={lanes}
          paperFigures={paperFigures}
          sampledTestPerClass={config.testPerClass < TEST_PER_CLASS ? config.testPerClass : null}
        />
        <Caption kind="results" />
      </div>
      {presentation ? null : <RunResultsTable history={history} lanes={trainedLanes} trainCounts={config.trainCounts} paperFigures={paperFigures} />}
      {snapshot && !presentation ? <ConfusionMatrices snapshot={snapshot} classNames={classNames} lanes={lanes} /> : null}
    </section>
  );
}

export function Plots({ classNames }: { classNames: string[] }) {
  const presentation = useAppStore((s) => s.presentation);
  const config = useAppStore((s) => s.config);
  // The explainer describes the MFW settings, so it shows while a lane mixes features the MFW way.
  const mixesMfw = useMemo(() => lanesOf(config).some((lane) => lane.spec.mixing.kind === 'mfw'), [config]);
  const postHoc = useAppStore((s) => s.postHoc);
  const setPostHoc = useAppStore((s) => s.setPostHoc);
  const postHocContext = useMemo(() => ({ settings: postHoc, set: setPostHoc }), [postHoc, setPostHoc]);
  return (
    <PostHocContext.Provider value={postHocContext}>
    <ChartSizeContext.Provider value={presentation ? PRESENTATION_SIZES : FONT}>
      <SeedAggregate presentation={presentation} />
      <FeatureSpace classNames={classNames} />
      <Curves classNames={classNames} presentation={presentation} />
      <Results classNames={classNames} presentation={presentation} />
      {/* In presentation mode too: the header's "What is MFW?" scrolls here. */}
      {!mixesMfw ? null : (
        <MfwExplainer
          classNames={classNames}
          trainCounts={config.trainCounts}
          weightMode={config.weightMode}
          beta={config.beta}
          alpha={config.alpha}
          mixingPoint={config.mixingPoint}
        />
      )}
    </ChartSizeContext.Provider>
    </PostHocContext.Provider>
  );
}
