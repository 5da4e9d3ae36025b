// The per-document view: the text coloured by attention (sentences for HAN, words for FLAN), the order
// each ranking erased items up to the flip, and the exact minimal flip set (a transformer's: the greedy
// upper bound). User text goes through userTextHtml (bidi.ts): isolated, with bidi controls shown rather than applied.
import { ALL_RANKINGS } from '../erasure/rankings/index.ts';
import { ALL_RANKING_NAMES } from '../erasure/types.ts';
import { userTextHtml } from './bidi.ts';
import { escapeHtml } from './escape.ts';
import { RANKING_LABELS } from './figures.ts';
import type { ExampleView } from './report-model.ts';

/** Items shown per ranking before "… and N more" (FLAN documents run to hundreds of words). */
const MAX_CHIPS = 40;

export function documentViewHtml(e: ExampleView): string {
  const maxAlpha = Math.max(...e.alpha, 1e-12);
  const minimal = new Set(e.minimalSet);
  const han = e.model.startsWith('HAN');
  // A transformer's set is greedy: an upper bound on the minimal flip set, never called exact.
  const setName = e.minimalMethod === 'greedy_upper_bound' ? 'greedy flip set (an upper bound on the minimal one)' : 'exact minimal flip set';
  const unit = han ? 'sentences' : e.minimalMethod === 'greedy_upper_bound' ? 'tokens' : 'words';
  const className = (c: number): string => (c < 0 ? 'unknown' : userTextHtml(e.classes?.[c] ?? String(c)));
  const text = e.items
    .map((words, i) => {
      const shade = (e.alpha[i]! / maxAlpha).toFixed(3);
      const cls = `item${han ? ' sentence' : ''}${minimal.has(i) ? ' minimal' : ''}`;
      return `<span class="${cls}" style="--a:${shade}" title="item ${i}: α = ${e.alpha[i]!.toFixed(4)}">${userTextHtml(words.join(' '))}</span>`;
    })
    .join(han ? '\n' : ' ');
  const rows = ALL_RANKING_NAMES.flatMap((r) => {
    const order = e.orders[r];
    const flip = e.flips[r];
    if (!order || !flip) return [];
    const shown = flip.erased ?? order.length;
    const chips = order
      .slice(0, Math.min(shown, MAX_CHIPS))
      .map((i, rank) => `<span class="chip${minimal.has(i) ? ' minimal' : ''}" title="item ${i}"><b>${rank + 1}</b> ${userTextHtml(snippet(e.items[i] ?? []))}</span>`)
      .join('');
    const more = shown > MAX_CHIPS ? ` <span class="more">… and ${shown - MAX_CHIPS} more</span>` : '';
    const flipMark = flip.flipsTo === null ? '' : ` <span class="flip-mark">→ flips to ${className(flip.flipsTo)}</span>`;
    const outcome =
      flip.erased === null ? (flip.status === 'single_item' ? 'excluded: a single item' : 'never flips') : `flips after ${flip.erased} of ${e.items.length}${flip.status === 'zero_vector' ? ' (zero vector)' : ''}`;
    return [`<tr><th>${RANKING_LABELS[r]}${ALL_RANKINGS[r].orders > 1 ? ' (1st permutation)' : ''}</th><td>${outcome}</td><td>${chips}${more}${flipMark}</td></tr>`];
  });
  const minimalText = e.minimalSet.length
    ? `${e.minimalSet.length} of ${e.items.length} items: ${e.minimalSet.map((i) => userTextHtml(snippet(e.items[i] ?? []))).join(' · ')}`
    : `none (${e.minimalStatus.replace('_', ' ')})`;
  return `<article class="doc">
<h4>${userTextHtml(e.dataset)} · ${escapeHtml(e.model)} · document ${userTextHtml(e.docId)}</h4>
<p class="meta">gold ${className(e.label)}, predicted ${className(e.predicted)}, ${e.items.length} ${unit}; darker = more attention, outlined = in the ${setName}</p>
<div class="text${han ? ' han' : ''}">${text}</div>
<table class="erasures"><thead><tr><th>ranking</th><th>decision</th><th>erased, in order, until the flip</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
<p class="minimal-set"><strong>${setName[0]!.toUpperCase()}${setName.slice(1)}:</strong> ${minimalText}</p>
</article>`;
}

function snippet(words: string[]): string {
  const s = words.join(' ');
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}
