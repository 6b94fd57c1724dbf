/**
 * "What is MFW?": the paper's Algorithm 1 in plain words, with the current weights s(N_c) of the
 * chosen classes, so the reader sees which classes are weakened and by how much.
 */
import type { WeightMode } from '../../config/experiment.ts';
import { isMajorClass, mfwWeights } from '../../core/mfwWeights.ts';
import { ClassSwatch } from '../charts/MarkerSymbol.tsx';
import { classColour, classShape } from '../theme.ts';
import '../theme.css';

export interface MfwExplainerProps {
  classNames: readonly string[];
  trainCounts: readonly number[];
  weightMode: WeightMode;
  beta: number;
  alpha: number;
  mixingPoint: number;
  colours?: readonly string[];
}

export function MfwExplainer({ classNames, trainCounts, weightMode, beta, alpha, mixingPoint, colours }: MfwExplainerProps) {
  const weights = mfwWeights(trainCounts, weightMode, beta);
  const isMajor = isMajorClass(trainCounts);
  return (
    <section className="ip-mfw-explainer" data-testid="mfw-explainer" aria-labelledby="ip-mfw-explainer-title" tabIndex={-1}>
      <h3 id="ip-mfw-explainer-title">What is MFW?</h3>
      <p>
        <strong>Major Feature Weakening</strong> changes only how the network is trained, not the network. At every
        training step:
      </p>
      <ol>
        <li>
          Run each image <var>x</var> of the batch up to convolution group <strong>{mixingPoint}</strong> (the stem is
          group 1, then one per residual block) to get its intermediate feature <var>g(x)</var>.
        </li>
        <li>Pair it with another image <var>x′</var> from a shuffled copy of the same batch.</li>
        <li>
          Draw <var>λ</var> ~ Beta(α, α) with α = {alpha}, then scale it by the weight of <var>x</var>’s class:{' '}
          <var>λ</var> ← s(N<sub>y</sub>)·<var>λ</var>.
        </li>
        <li>
          Mix: <span className="ip-formula">z̃ = (1 − λ)·g(x) + λ·g(x′)</span>, <strong>keep x’s label</strong>, and
          let the rest of the network continue from z̃.
        </li>
      </ol>
      <p>
        The weight s is about 0.5 for major classes and about 0 for minor ones, so major-class features are pulled toward other
        classes — <em>weakened</em> — while minor-class features are barely touched; g(x) stays the main ingredient
        (λ ≤ 0.5). The network can no longer fit the major classes first, and because a minor feature also serves to
        weaken major ones, part of its gradient cancels (Eq. 9): minor classes get smaller gradients and over-fit less.
        Mixing happens <strong>only during training</strong>; evaluation sees plain features. ERM is the same run with
        λ = 0.
      </p>
      <table className="ip-mfw-weights" data-testid="mfw-weights-table">
        <caption>
          {weightMode === 'eq12'
            ? <>s(N<sub>c</sub>) = 0.5·σ((N<sub>c</sub> − μ) / (β·γ)), β = {beta} (Eq. 12)</>
            : <>s = 0.5 for major, 0 for minor classes (§4)</>}
        </caption>
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th scope="col" className="ip-num">N<sub>c</sub></th>
            <th scope="col" className="ip-num">s(N<sub>c</sub>)</th>
            <th scope="col" className="ip-num" title="E[λ] = s/2, since Beta(α, α) has mean 1/2">avg. share of x′ in z̃</th>
          </tr>
        </thead>
        <tbody>
          {classNames.map((name, c) => (
            <tr key={name}>
              <th scope="row">
                <ClassSwatch shape={classShape(c)} colour={classColour(c, colours)} />
                {name} <span className="ip-count">{isMajor[c] ? 'major' : 'minor'}</span>
              </th>
              <td className="ip-num">{trainCounts[c]?.toLocaleString('en-US')}</td>
              <td className="ip-num">{weights[c]?.toFixed(3)}</td>
              {/* Beta(α, α) is symmetric, so E[λ] = s/2. */}
              <td className="ip-num">{weights[c] === undefined ? '—' : `${((weights[c] / 2) * 100).toFixed(1)} %`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
