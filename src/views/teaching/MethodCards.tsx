/**
 * One card per lane's method (methodCards.ts): what it changes with its formula, where it comes from,
 * what it is expected to do and what this run shows at the epoch on screen. Collapsed by default, so
 * the plots stay where they were.
 */
import { fileSafeLaneId } from '../../core/methods.ts';
import type { MethodCard } from './methodCards.ts';
import '../theme.css';

export function MethodCards({ cards }: { cards: readonly MethodCard[] }) {
  return (
    <details className="method-cards" data-testid="method-cards">
      <summary>What each method changes, where it comes from, and what this run shows ({cards.length} {cards.length === 1 ? 'card' : 'cards'})</summary>
      <div className="method-card-grid">
        {cards.map((card) => (
          <article key={card.lane} className="method-card" data-testid={`method-card-${fileSafeLaneId(card.lane)}`}>
            <h3>{card.label}</h3>
            <p>
              <strong>Changes: </strong>
              {card.changes}
            </p>
            <pre className="method-card-formula">{card.formulas.join('\n')}</pre>
            <p className="method-card-source">{card.source}</p>
            <p className="ip-what-to-look-for">
              <strong>Expected: </strong>
              {card.expected}
              {card.shows ? (
                <span className="ip-finding" data-testid={`method-card-shows-${fileSafeLaneId(card.lane)}`}>
                  <strong>This run: </strong>
                  {card.shows}
                </span>
              ) : null}
            </p>
          </article>
        ))}
      </div>
    </details>
  );
}
