// Text -> sentences of lowercased word tokens (docs/method.md §2).
//
// Sentences: Intl.Segmenter (ICU's UAX #29 sentence rules, built into Node), plus one repair: V8's ICU
// has no abbreviation suppressions, so "Mr. Smith" would split after "Mr."; we re-join a break that
// follows a common title abbreviation or a single-letter initial.
// Words: a Unicode regular expression in the style of spaCy's English tokenizer (punctuation is its own
// token, "isn't", "well-known", "u.s" and "3.5" stay whole). We do not use Intl.Segmenter's word mode:
// it was 60x slower here (0.33 M vs 21 M tokens/s on one core; 1.4 M Yahoo documents would spend minutes
// in it) and it drops punctuation, which the reference (spaCy) keeps as tokens.

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

// A number (with inner . , : /), a word (letters first, inner ' ’ . - joining letter runs), or one run of
// the same punctuation mark ("..." and "!!!" are one token each).
const TOKEN_RE =
  /\p{N}+(?:[.,:/]\p{N}+)*[\p{L}\p{M}\p{N}_]*|[\p{L}\p{M}_][\p{L}\p{M}\p{N}_]*(?:['’.-][\p{L}\p{M}\p{N}_]+)*|([^\s\p{L}\p{M}\p{N}_])\1*/gu;

// Lowercased, without the final period: a sentence break right after one of these is not a break.
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'jr', 'sr', 'vs', 'e.g', 'i.e', 'gen', 'col', 'lt', 'sgt', 'capt',
  'rev', 'hon', 'gov', 'sen', 'rep', 'mt', 'ft', 'no', 'fig', 'approx', 'dept', 'inc', 'co', 'corp',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]);
const LAST_WORD_RE = /([\p{L}.]+)\.$/u;
// Abbreviations are under 10 letters: a tail of 80 characters finds every one (a longer word cut to its
// last 80 letters is no abbreviation either).
const TAIL = 80;

/** Splits a text into sentences (raw strings, original case), repairing breaks after abbreviations. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const block of blocks(text)) {
    for (const { segment } of sentenceSegmenter.segment(block)) {
      pending += segment;
      // Only the segment's tail can hold the abbreviation (a few letters): looking at the tail keeps a long
      // segment from costing quadratic time in an end-anchored expression.
      const body = segment.trimEnd();
      const m = LAST_WORD_RE.exec(body.length > TAIL ? body.slice(-TAIL) : body);
      // A segment ending in a newline is a real paragraph break even after an abbreviation.
      if (m && !segment.slice(body.length).includes('\n') && isAbbreviation(m[1]!)) continue;
      out.push(pending);
      pending = '';
    }
  }
  if (pending) out.push(pending);
  return out;
}

// V8's segmenter slows down superlinearly on long strings (2 ms per sentence in a 288 kB text, 50 us in
// a 72 kB one), so long texts are cut first into blocks of about BLOCK characters at places where ICU
// breaks anyway: a newline, or sentence punctuation followed by space and a capital or digit. A text
// with no such place for 4 blocks (a 100,000-token run-on) is cut at a space, which makes a sentence
// break there: bounded sentences are what HAN needs from such a document anyway; a run of 3 blocks
// without a space is cut where it stands (not inside a surrogate pair).
// Every search looks only at a window of at most 4 blocks past the cut, so the whole pass is linear in
// the text's length (searching on to the end of the text for every block made a 50 MB line quadratic).
const BLOCK = 1000;
// Longest run of opening quotes/brackets CUT_RE's look-ahead may need past the window.
const LOOKAHEAD = 64;
const CUT_RE = /\n|[.!?]["'”’)\]]*\s+(?=["'“‘([]*[\p{Lu}\p{N}])/gu;

/** Characters examined by the block search since the process started (a test checks it grows linearly). */
export const blockScan = { chars: 0 };

/** The text cut into pieces of about BLOCK to 4 BLOCK characters (see above); exported for tests. */
export function* blocks(text: string): Generator<string> {
  let start = 0;
  while (text.length - start > 2 * BLOCK) {
    const from = start + BLOCK;
    const to = Math.min(text.length, start + 4 * BLOCK);
    const window = text.slice(from, Math.min(text.length, to + LOOKAHEAD));
    blockScan.chars += window.length;
    CUT_RE.lastIndex = 0;
    const m = CUT_RE.exec(window);
    let end: number;
    if (m && from + m.index < to) end = from + m.index + m[0].length;
    else {
      const space = window.indexOf(' ');
      if (space >= 0 && from + space < to) end = from + space + 1;
      else if (to === text.length) end = to;
      else end = isLowSurrogate(text.charCodeAt(to)) ? to + 1 : to;
    }
    yield text.slice(start, end);
    start = end;
  }
  if (start < text.length) yield text.slice(start);
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function isAbbreviation(word: string): boolean {
  if (word.length === 1) return /\p{Lu}/u.test(word); // an initial: "J. Smith"
  return ABBREVIATIONS.has(word.toLowerCase());
}

/** Lowercased word tokens of one piece of text. */
export function tokenizeWords(text: string): string[] {
  const lower = text.toLowerCase();
  const out: string[] = [];
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(lower); m !== null; m = TOKEN_RE.exec(lower)) out.push(m[0]);
  return out;
}

/** A document as sentences of lowercased tokens; sentences without tokens are left out. */
export function tokenizeDocument(text: string): string[][] {
  const sentences: string[][] = [];
  for (const s of splitSentences(text)) {
    const tokens = tokenizeWords(s);
    if (tokens.length > 0) sentences.push(tokens);
  }
  return sentences;
}

export const TOKENIZER_DESCRIPTION =
  'sentences: Intl.Segmenter (ICU UAX #29) + abbreviation repair; words: Unicode regex, punctuation kept, lowercased';
