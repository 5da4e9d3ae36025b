// A rendered figure's SVG as text: made compact (render.ts) and put into the page as a data: URI (html.ts).

/** Attributes that hold lengths and coordinates in vega's SVG (their numbers are rounded by compactSvg). */
const GEOMETRY = new Set(['d', 'transform', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'width', 'height', 'points', 'dx', 'dy', 'r', 'cx', 'cy', 'stroke-width', 'stroke-dasharray']);
/** Attributes for screen readers and pointer events: an SVG shown as an <img> (alt text, caption) uses neither. */
const UNUSED = / (?:role|aria-roledescription|aria-hidden|aria-label|pointer-events)="[^"]*"/g;

/**
 * vega writes coordinates with all 17 digits (x="154.11111111111111") and ARIA attributes on every group:
 * half of a figure's bytes. Coordinates rounded to 1/100 px (invisible at any zoom a page is read at) and
 * the unused attributes dropped; text, colours, classes and structure stay as they are.
 */
export function compactSvg(svg: string): string {
  const round = (value: string): string =>
    value.replace(/-?\d*\.\d{3,}(?:e-?\d+)?/g, (n) => {
      const r = Math.round(Number(n) * 100) / 100;
      return String(Object.is(r, -0) ? 0 : r);
    });
  // Only inside tags: a document's or data set's text in the figure is never touched.
  return svg.replace(/<[^>]*>/g, (tag) =>
    circle(tag.replace(UNUSED, '').replace(/ ([\w:-]+)="([^"]*)"/g, (all, name: string, value: string) => (GEOMETRY.has(name) ? ` ${name}="${round(value)}"` : all))),
  );
}

/**
 * vega draws a point as a path of two half-circle arcs, moved into place: a scatter of thousands is mostly
 * these. The same circle as a <circle> is half the bytes.
 */
function circle(tag: string): string {
  const m = /^<path transform="translate\((-?[\d.]+),(-?[\d.]+)\)" d="M([\d.]+),0A\3,\3,0,1,1,-\3,0A\3,\3,0,1,1,\3,0"(.*)$/.exec(tag);
  return m ? `<circle cx="${m[1]!}" cy="${m[2]!}" r="${m[3]!}"${m[4]!}` : tag;
}

/**
 * An SVG as a data: URI for an <img src="…"> in double quotes: UTF-8 text, not base64 (a third smaller).
 * Its attribute quotes become single quotes (a literal ' turns into &apos; first), a " left in text becomes
 * &quot;, and the characters a URI or the HTML attribute would read differently (% # & and line breaks) are
 * percent-encoded.
 */
export function svgDataUri(svg: string): string {
  const quoted = svg.replace(/<[^>]*>|[^<]+/g, (chunk) =>
    chunk.startsWith('<') ? chunk.replaceAll("'", '&apos;').replace(/="([^"]*)"/g, "='$1'") : chunk.replaceAll("'", '&apos;').replaceAll('"', '&quot;'),
  );
  return `data:image/svg+xml;charset=utf-8,${quoted.replace(/[%#&\r\n\t]/g, (c) => encodeURIComponent(c))}`;
}
