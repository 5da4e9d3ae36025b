// explorer.html: the per-document explorer, a page of its own next to report.html. Its script (inlined:
// explorer-math.js, the erasure fast path, then explorer-app.js) renders the documents of
// explorer-data.js, loaded with a script tag so the page also works opened from disk (file://).
import { readFileSync } from 'node:fs';
import { BIDI_CONTROLS } from './bidi.ts';
import { htmlPage } from './escape.ts';

export const EXPLORER_FILES = { page: 'explorer.html', data: 'explorer-data.js' } as const;

const asset = (name: string): string => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');

const STYLE = `
body { font-family: 'DejaVu Sans', system-ui, sans-serif; margin: 1.5rem auto; max-width: 1280px; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.25rem; margin: 1.5rem 0 .2rem; border-bottom: 1px solid #ddd; } h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
#filters { display: flex; flex-wrap: wrap; gap: .6rem 1.2rem; align-items: center; margin: .6rem 0; font-size: .9rem; }
#filters select { font-size: .9rem; }
.index-wrap { max-height: 22rem; overflow: auto; border: 1px solid #ddd; }
table { border-collapse: collapse; font-size: .85rem; }
th, td { border-bottom: 1px solid #eee; padding: .2rem .45rem; text-align: left; vertical-align: top; }
#doc-index thead th { position: sticky; top: 0; background: #fafafa; border-bottom: 1px solid #ccc; }
#doc-index tbody tr { cursor: pointer; } #doc-index tbody tr:hover { background: #f3f7fc; } #doc-index tbody tr.selected { background: #dde9f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; font-size: .75rem; border: 1px solid #bbb; border-radius: 8px; padding: 0 .35rem; margin: 0 .15rem .1rem 0; color: #555; }
.badge.chosen { border-color: #1f77b4; color: #1f4f7a; background: #eef5fc; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.4rem; font-size: .85rem; background: #fafafa; border: 1px solid #eee; padding: .5rem .8rem; margin: .8rem 0; }
.legend .sample { padding: 0 .3rem; border-radius: 2px; }
.scale { display: inline-block; width: 120px; height: .8rem; vertical-align: middle; background: linear-gradient(to right, rgba(214,39,40,0), rgba(214,39,40,.75)); border: 1px solid #ddd; }
.meta { color: #555; font-size: .85rem; margin-top: 0; }
.workspace { display: grid; grid-template-columns: minmax(0, 1fr) 420px; gap: 1rem; align-items: start; }
.live { border: 1px solid #ddd; border-radius: 4px; padding: .3rem .9rem .5rem; margin: .6rem 0; background: #fcfcfc; position: sticky; top: .5rem; }
.live h3 { margin-top: .3rem; }
.hint { font-size: .8rem; color: #555; margin: 0 0 .4rem; }
table.probs td.bar-cell { width: 150px; } .bar { display: inline-block; height: .8rem; vertical-align: middle; min-width: 1px; }
table.probs th { white-space: nowrap; } table.probs tr.decided th, table.probs tr.decided td.p-now { font-weight: bold; }
.swatch { display: inline-block; width: .7rem; height: .7rem; vertical-align: middle; }
.decision { font-size: .95rem; margin: .4rem 0; } .decision.flipped { color: #a00; }
.flip-mark { color: #b00; font-weight: bold; }
.buttons button { margin-right: .5rem; }
.text { line-height: 2; margin: .6rem 0; } .text.sentence .item { display: block; margin: .15rem 0; }
.item { background: rgba(214, 39, 40, calc(var(--a) * 0.75)); padding: 0 .1rem; border-radius: 2px; cursor: pointer; }
.item:hover { box-shadow: 0 0 0 1px #555; }
.item.minimal, .chip.minimal, .legend .minimal { outline: 1.5px solid #1f77b4; }
.item.erased, .legend .erased { background: #eee; color: #999; text-decoration: line-through; }
.chip { display: inline-block; background: #f1f1f1; border-radius: 3px; padding: 0 .3rem; margin: .1rem; font-size: .8rem; }
table.rankings { width: 100%; } table.rankings td.chips { width: 45%; } table.rankings td:nth-child(2) { min-width: 10rem; }
table.rankings th:first-child { min-width: 7rem; } button { white-space: nowrap; }
.dist { display: inline-flex; width: 120px; height: .8rem; vertical-align: middle; border: 1px solid #ccc; } .dist .seg { display: inline-block; height: 100%; }
.dist-wrap { white-space: nowrap; }
.bidi-control { font-size: .7em; font-weight: bold; vertical-align: .1em; border: 1px dashed #a00; color: #a00; background: #fff; border-radius: 2px; padding: 0 .2em; margin: 0 .1em; text-decoration: none; }
/* A narrow window: the text above the output, and the rankings table scrolls in its own box (it ran off the page at 800 px). */
@media (max-width: 960px) { .workspace { grid-template-columns: minmax(0, 1fr); } .live { position: static; } table.rankings { display: block; overflow-x: auto; } }
`;

export function explorerHtml(): string {
  return htmlPage('attnlab explorer', STYLE, `<h1>attnlab explorer: one document at a time</h1>
<p class="meta">Documents chosen by how their erasures ended (per predicted class), from the run folders of <a href="report.html">report.html</a>.
How to read it: docs/explorer.md.</p>
<section id="index">
<form id="filters" onsubmit="return false"></form>
<div class="index-wrap"><table id="doc-index"><thead><tr><th>data set</th><th>model</th><th>document</th><th>gold</th><th>predicted</th><th>items</th>
<th title="items the attention ranking erased before the decision flipped">attention</th><th title="items the gradient ranking erased before the decision flipped">gradient</th>
<th title="size of the exact minimal flip set (transformers: ≤ the greedy upper bound)">minimum</th><th>outcomes</th></tr></thead><tbody></tbody></table></div>
<p class="meta" id="skipped"></p>
</section>
<div class="legend" id="legend">
<span><span class="scale"></span> shading: attention α<sub>i</sub> / largest α of the document (white = none, darkest red = the most)</span>
<span><span class="sample minimal">outlined blue</span> in the exact minimal flip set (transformers: the greedy upper bound on it)</span>
<span><span class="sample erased">struck through</span> erased by you</span>
<span><span class="chip"><b>3</b> word</span> a ranking's 3rd erasure</span>
<span><span class="bidi-control">RLO</span> a bidi control character in the text, shown, not applied</span>
<span><span class="badge chosen">outcome</span> chosen as an example of it · <span class="badge">outcome</span> also shows it</span>
</div>
<section id="doc"></section>
<script>window.ATTNLAB_BIDI = ${asciiJson(BIDI_CONTROLS)};</script>
<script src="${EXPLORER_FILES.data}"></script>
<script>
${asset('explorer-math.js')}
${asset('explorer-app.js')}
</script>`);
}

/** JSON with every non-ASCII character escaped (the page source then holds no raw bidi control). */
function asciiJson(v: unknown): string {
  return JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
