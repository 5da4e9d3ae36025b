// Text direction of user text (document words, class and data set names). A right-to-left name next to
// our own words ("predicted ספורט, 12 words") or an override character inside a document (U+202E) would
// otherwise reorder the surrounding caption or the words after it. So user text is isolated (<bdi>, or
// dir="auto" in the explorer) and every bidi control character is shown as a visible marker, never applied.
import { escapeHtml } from './escape.ts';

/** The Unicode bidi controls (embeddings, overrides, isolates, marks), by their short names. */
export const BIDI_CONTROLS: Readonly<Record<string, string>> = {
  '\u061C': 'ALM',
  '\u200E': 'LRM',
  '\u200F': 'RLM',
  '\u202A': 'LRE',
  '\u202B': 'RLE',
  '\u202C': 'PDF',
  '\u202D': 'LRO',
  '\u202E': 'RLO',
  '\u2066': 'LRI',
  '\u2067': 'RLI',
  '\u2068': 'FSI',
  '\u2069': 'PDI',
};

const CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Does `text` hold a bidi control character? */
export function hasBidiControls(text: string): boolean {
  return new RegExp(CONTROL.source).test(text);
}

/** Plain text with each bidi control replaced by its name in brackets: "[RLO]" (titles, SVG labels). */
export function showBidiControlsPlain(text: string): string {
  return text.replace(CONTROL, (c) => `[${BIDI_CONTROLS[c]!}]`);
}

/** User text as HTML: escaped, bidi controls shown as markers, isolated from its neighbours in a <bdi>. */
export function userTextHtml(text: string | number): string {
  return `<bdi>${bidiSafeHtml(String(text))}</bdi>`;
}

/** Escaped HTML in which each bidi control is a visible marker that does not act. */
export function bidiSafeHtml(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(CONTROL)) {
    const c = m[0];
    out += escapeHtml(text.slice(last, m.index));
    const code = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    out += `<span class="bidi-control" title="U+${code} (${BIDI_CONTROLS[c]!}) in the text: shown, not applied">${BIDI_CONTROLS[c]!}</span>`;
    last = m.index + c.length;
  }
  return out + escapeHtml(text.slice(last));
}
