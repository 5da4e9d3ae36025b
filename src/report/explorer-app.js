// The explorer page's script (a classic script inlined into explorer.html after explorer-math.js).
// Reads window.ATTNLAB_EXPLORER (explorer-data.js) and window.ATTNLAB_BIDI (the bidi controls, bidi.ts).
// Every piece of user text goes in through textContent inside an element with dir="auto", with bidi
// control characters replaced by visible markers: nothing from a document is parsed as HTML or reorders
// the page around it.
/* global window, document, history, location, explorerErase, explorerArgmax -- a browser script, after explorer-math.js */
'use strict';
(function explorer() {
  const data = window.ATTNLAB_EXPLORER;
  const BIDI = window.ATTNLAB_BIDI || {};
  const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#bab0ac'];
  const MAX_CHIPS = 40;
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  const controlPattern = new RegExp('[' + Object.keys(BIDI).join('') + ']', 'g');
  /** User text in its own direction-isolated element; bidi controls shown as markers, not applied. */
  function userText(text, tag) {
    const e = el(tag || 'bdi', { dir: 'auto', class: 'user' });
    let last = 0;
    const s = String(text);
    if (Object.keys(BIDI).length) {
      for (const m of s.matchAll(controlPattern)) {
        e.append(s.slice(last, m.index));
        const code = m[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
        e.append(el('span', { class: 'bidi-control', title: `U+${code} (${BIDI[m[0]]}) in the text: shown, not applied`, text: BIDI[m[0]] }));
        last = m.index + m[0].length;
      }
    }
    e.append(s.slice(last));
    return e;
  }
  /** Plain text for attributes (title), bidi controls named in brackets. */
  function plain(text) {
    return Object.keys(BIDI).length ? String(text).replace(controlPattern, (c) => `[${BIDI[c]}]`) : String(text);
  }
  const className = (doc, c) => (c < 0 ? el('span', { text: 'unknown' }) : userText(doc.classes[c] ?? String(c)));
  const fmt = (p) => p.toFixed(3);
  const outcomeLabel = (name) => data.outcomes.find((o) => o.name === name).label;

  // ---------------------------------------------------------------------------------------------
  // Index and filters
  // ---------------------------------------------------------------------------------------------
  const filters = { dataset: '', model: '', class: '', outcome: '' };

  function option(value, label) {
    return el('option', { value }, label);
  }

  function buildFilters() {
    const classes = [...new Set(data.documents.flatMap((d) => d.classes))].sort();
    const selects = [
      ['dataset', 'data set', data.datasets.map((v) => [v, v])],
      ['model', 'model', data.models.map((v) => [v, v])],
      ['class', 'predicted class', classes.map((v) => [v, v])],
      ['outcome', 'outcome', data.outcomes.map((o) => [o.name, o.label])],
    ];
    const form = $('filters');
    for (const [key, label, values] of selects) {
      const select = el('select', { id: `f-${key}`, name: key, onchange: (ev) => { filters[key] = ev.target.value; renderIndex(); } },
        option('', `any ${label}`), ...values.map(([v, l]) => option(v, plain(l))));
      form.append(el('label', {}, `${label} `, select));
    }
    form.append(el('output', { id: 'match-count' }));
  }

  function matches(d) {
    return (!filters.dataset || d.dataset === filters.dataset) &&
      (!filters.model || d.model === filters.model) &&
      (!filters.class || d.classes[d.predicted] === filters.class) &&
      (!filters.outcome || d.outcomes.includes(filters.outcome));
  }

  function erasedText(d, r) {
    const f = d.flips[r];
    if (!f) return '—';
    if (f.erased === null) return 'never';
    return f.status === 'zero_vector' ? `${f.erased} (zero vector)` : String(f.erased);
  }

  function renderIndex() {
    const body = $('doc-index').tBodies[0];
    body.replaceChildren();
    const shown = data.documents.filter(matches);
    for (const d of shown) {
      const row = el('tr', { 'data-key': d.key, tabindex: '0', class: current && current.doc.key === d.key ? 'selected' : '' },
        el('td', {}, userText(d.dataset)), el('td', {}, d.model), el('td', {}, userText(d.docId)),
        el('td', {}, className(d, d.label)), el('td', {}, className(d, d.predicted)),
        el('td', { class: 'num' }, `${d.items.length} ${d.unit}s`),
        el('td', { class: 'num' }, erasedText(d, 'attention')), el('td', { class: 'num' }, erasedText(d, 'gradient')),
        el('td', { class: 'num', title: minimalName(d) }, d.minimalSet.length ? `${d.minimalMethod === 'greedy_upper_bound' ? '≤ ' : ''}${d.minimalSet.length}` : d.minimalStatus.replace('_', ' ')),
        el('td', {}, ...d.outcomes.map((o) => el('span', { class: `badge${d.chosenFor.includes(o) ? ' chosen' : ''}`, title: d.chosenFor.includes(o) ? 'chosen as an example of this' : 'also shows this', text: outcomeLabel(o) }))));
      row.addEventListener('click', () => select(d.key));
      row.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') select(d.key); });
      body.append(row);
    }
    $('match-count').textContent = `${shown.length} of ${data.documents.length} documents`;
  }

  // ---------------------------------------------------------------------------------------------
  // One document: text, erasure by hand, the rankings' flips
  // ---------------------------------------------------------------------------------------------
  let current = null;

  function distribution(doc, p, mark) {
    const bar = el('span', { class: 'dist', title: doc.classes.map((c, k) => `${plain(c)}: ${fmt(p[k])}`).join('\n') });
    p.forEach((v, k) => bar.append(el('span', { class: 'seg', style: `width:${(100 * v).toFixed(2)}%;background:${PALETTE[k % PALETTE.length]}` })));
    const top = explorerArgmax(p);
    return el('span', { class: 'dist-wrap' }, bar, ' ', className(doc, top), ` ${fmt(p[top])}`, mark ? el('span', { class: 'flip-mark', text: ' flipped' }) : null);
  }

  function select(key, scroll = true) {
    const doc = data.documents.find((d) => d.key === key);
    if (!doc) return;
    current = { doc, erased: new Uint8Array(doc.items.length) };
    history.replaceState(null, '', `#doc=${encodeURIComponent(key)}`);
    for (const tr of $('doc-index').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.key === key);
    renderDocument();
    update();
    if (scroll) $('doc').scrollIntoView({ block: 'start' });
  }

  /** What the document's minimal set is: exact (HAN/FLAN, a sort) or a greedy upper bound (transformers). */
  function minimalName(doc) {
    return doc.minimalMethod === 'greedy_upper_bound' ? 'greedy upper bound on the minimal flip set' : 'exact minimal flip set';
  }

  function renderDocument() {
    const { doc } = current;
    const setName = minimalName(doc);
    const n = doc.items.length;
    const maxAlpha = Math.max(...doc.alpha, 1e-12);
    // Outlines mark a set smaller than the whole document; "everything" (the zero vector) is said in words.
    const minimal = new Set(doc.minimalStatus === 'flipped' ? doc.minimalSet : []);
    const view = $('doc');
    view.replaceChildren();
    view.append(
      el('h2', {}, userText(doc.dataset), ` · ${doc.model} · document `, userText(doc.docId)),
      el('p', { class: 'meta' }, 'gold ', className(doc, doc.label), ', predicted ', className(doc, doc.predicted), `, ${n} ${doc.unit}s. `,
        ...doc.outcomes.map((o) => el('span', { class: `badge${doc.chosenFor.includes(o) ? ' chosen' : ''}`, text: outcomeLabel(o) }))),
    );

    // Live output: the distribution and decision after the erasures chosen by hand.
    const classRows = doc.classes.map((c, k) => el('tr', { 'data-class': String(k) },
      el('th', {}, el('span', { class: 'swatch', style: `background:${PALETTE[k % PALETTE.length]}` }), ' ', userText(c)),
      el('td', { class: 'bar-cell' }, el('span', { class: 'bar', style: `background:${PALETTE[k % PALETTE.length]}` })),
      el('td', { class: 'num p-now' }), el('td', { class: 'num p-orig', text: fmt(doc.probabilities[k]) })));
    const live = !doc.live ? el('div', { class: 'live' },
      el('h3', { text: 'Erasures' }),
      el('p', { class: 'hint', text: `A transformer's output is not linear in α, so this page cannot recompute an erasure of its ${doc.unit}s; the table below shows the battery's own outputs before and at each ranking's flip.` }),
      el('table', { class: 'probs' }, el('thead', {}, el('tr', {}, el('th', { text: 'class' }), el('th', { text: 'original' }))),
        el('tbody', {}, ...doc.classes.map((c, k) => el('tr', { 'data-class': String(k) },
          el('th', {}, el('span', { class: 'swatch', style: `background:${PALETTE[k % PALETTE.length]}` }), ' ', userText(c)),
          el('td', { class: 'num p-orig', text: fmt(doc.probabilities[k]) })))))) : el('div', { class: 'live' },
      el('h3', { text: 'Erase by hand' }),
      el('p', { class: 'hint', text: `Click ${doc.unit}s in the text to erase them (click again to restore). The output is recomputed in this page from z_i = W h_i, α and b: logits = Σ_kept α_i z_i / Σ_kept α_i + b, or b alone when everything is erased.` }),
      el('table', { class: 'probs' }, el('thead', {}, el('tr', {}, el('th', { text: 'class' }), el('th', { text: 'probability now' }), el('th', { text: 'now' }), el('th', { text: 'original' }))),
        el('tbody', {}, ...classRows)),
      el('p', { id: 'decision', class: 'decision' }),
      el('output', { id: 'probs' }),
      el('p', { class: 'buttons' },
        el('button', { type: 'button', id: 'reset', onclick: () => setErased([]) }, 'restore all'),
        el('button', { type: 'button', id: 'erase-all', onclick: () => setErased([...Array(n).keys()]) }, 'erase everything (zero vector)'),
        doc.minimalStatus === 'flipped' ? el('button', { type: 'button', id: 'erase-minimal', onclick: () => setErased(doc.minimalSet) }, `erase the ${setName} (${doc.minimalSet.length})`) : null),
    );

    const text = el('div', { class: `text ${doc.unit}`, id: 'text' });
    doc.items.forEach((words, i) => {
      const item = el('span', {
        class: `item${minimal.has(i) ? ' minimal' : ''}`, 'data-i': String(i), tabindex: '0', role: 'button',
        style: `--a:${(doc.alpha[i] / maxAlpha).toFixed(3)}`, title: `${doc.unit} ${i}: α = ${doc.alpha[i].toFixed(4)}${minimal.has(i) ? `, in the ${setName}` : ''}`,
      }, userText(words));
      if (doc.live) {
        item.addEventListener('click', () => toggle(i));
        item.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); toggle(i); } });
      }
      text.append(item, doc.unit === 'sentence' ? '' : ' ');
    });
    // The text beside the output, which stays in view while a long document scrolls.
    view.append(el('div', { class: 'workspace' }, text, live));

    // The battery's own flips, per ranking: before and at the first flip.
    const rows = data.rankings.flatMap((r) => {
      const order = doc.orders[r.name];
      const f = doc.flips[r.name];
      if (!order || !f) return [];
      const label = r.orders > 1 ? `${r.label} (1st of ${r.orders} orders)` : r.label;
      const outcome = f.erased === null ? (f.status === 'single_item' ? 'excluded: a single item' : 'never flips, not even at the zero vector')
        : `flips after ${f.erased} of ${n}${f.status === 'zero_vector' ? ' (zero vector)' : ''}`;
      const shown = f.erased ?? order.length;
      const chips = order.slice(0, Math.min(shown, MAX_CHIPS)).map((i, rank) =>
        el('span', { class: `chip${minimal.has(i) ? ' minimal' : ''}`, title: `${doc.unit} ${i}` }, el('b', { text: String(rank + 1) }), ' ', userText(snippet(doc.items[i]))));
      const more = shown > MAX_CHIPS ? el('span', { class: 'more', text: ` … and ${shown - MAX_CHIPS} more` }) : null;
      const button = f.erased === null || !doc.live ? null
        : el('button', { type: 'button', class: 'erase-prefix', 'data-ranking': r.name, onclick: () => setErased(order.slice(0, f.erased)) }, `erase its first ${f.erased}`);
      return [el('tr', { 'data-ranking': r.name },
        el('th', { text: label }), el('td', {}, outcome, button ? el('br') : null, button),
        el('td', {}, f.before ? distribution(doc, f.before, false) : '—'),
        el('td', {}, f.after ? distribution(doc, f.after, true) : '—'),
        el('td', { class: 'chips' }, ...chips, more))];
    });
    view.append(el('h3', { text: 'Each ranking erases in its own order until the decision flips' }),
      el('table', { class: 'rankings' },
        el('thead', {}, el('tr', {}, ...['ranking', 'battery', 'output one erasure before the flip', 'output at the flip', 'erased, in order, until the flip'].map((h) => el('th', { text: h })))),
        el('tbody', {}, ...rows)));
    const bound = doc.minimalMethod === 'greedy_upper_bound';
    view.append(el('p', { class: 'minimal-set' }, el('strong', { text: bound ? 'Greedy upper bound on the minimal flip set: ' : 'Exact minimal flip set: ' }),
      ...(doc.minimalStatus === 'zero_vector' ? [bound ? `all ${n} ${doc.unit}s: the greedy search flips the decision only when everything is erased (a smaller set may exist).` : `all ${n} ${doc.unit}s: no smaller set changes the decision, only the zero vector does.`]
        : doc.minimalSet.length ? [`${doc.minimalSet.length} of ${n} ${doc.unit}s: `, ...doc.minimalSet.flatMap((i, j) => [j ? ' · ' : '', userText(snippet(doc.items[i]))])]
          : [`none (${doc.minimalStatus.replace('_', ' ')})`])));
  }

  function snippet(s) {
    return s.length > 40 ? `${s.slice(0, 39)}…` : s;
  }

  function toggle(i) {
    current.erased[i] = current.erased[i] ? 0 : 1;
    update();
  }

  function setErased(items) {
    current.erased.fill(0);
    for (const i of items) current.erased[i] = 1;
    update();
  }

  function update() {
    const { doc, erased } = current;
    if (!doc.live) return; // nothing to recompute: the page shows the battery's outputs only
    const out = explorerErase(doc, erased);
    const k = erased.reduce((a, b) => a + b, 0);
    for (const item of $('text').children) item.classList.toggle('erased', erased[Number(item.dataset.i)] === 1);
    for (const row of document.querySelectorAll('table.probs tbody tr')) {
      const c = Number(row.dataset.class);
      row.querySelector('.bar').style.width = `${(100 * out.p[c]).toFixed(2)}%`;
      row.querySelector('.p-now').textContent = fmt(out.p[c]);
      row.classList.toggle('decided', c === out.decision);
    }
    const flipped = out.decision !== doc.predicted;
    const line = $('decision');
    line.replaceChildren('decision: ', className(doc, out.decision),
      flipped ? el('span', { class: 'flip-mark', text: ' — flipped from ' }) : ' (the original)', flipped ? className(doc, doc.predicted) : '',
      ` · ${k} of ${doc.items.length} ${doc.unit}s erased, attention mass ${fmt(out.massErased)}${out.kept === 0 ? ' (zero vector: logits = b)' : ''}`);
    line.classList.toggle('flipped', flipped);
    // Full precision for the browser test (test/report/browser.test.ts) and anyone who wants the numbers.
    const probs = $('probs');
    probs.dataset.p = JSON.stringify(out.p);
    probs.dataset.decision = String(out.decision);
    probs.dataset.erased = String(k);
  }

  // ---------------------------------------------------------------------------------------------
  if (!data) {
    $('doc').textContent = 'explorer-data.js did not load: it must sit next to explorer.html.';
    return;
  }
  buildFilters();
  renderIndex();
  if (data.skipped.length) {
    $('skipped').textContent = `Left out: ${data.skipped.map((s) => `${s.examples} example(s) of ${plain(s.dataset)} ${s.model}`).join(', ')} — their examples.jsonl predates z and b; run attnlab test again to write them.`;
  }
  const m = /^#doc=(.+)$/.exec(location.hash);
  const first = m ? decodeURIComponent(m[1]) : data.documents[0]?.key;
  if (first) select(first, false);
  window.attnlabExplorer = { select, setErased, filters, renderIndex };
})();
