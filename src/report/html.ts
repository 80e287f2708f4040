// Report pipeline, stage 4: one self-contained HTML document (inline CSS, plotly.js, figure specs,
// SVG math, the results file) that shows interactive charts opened from disk and prints to the
// A4 PDF: title block, table of contents, one section per task file.

import type { PlotlyFigure } from "../contract/contract";
import type { Heading, RenderedReport } from "./markdown";
import type { ReportMeta } from "./meta";
import type { Collected } from "./results";

/** Width of a chart in the document, in CSS pixels (A4 less the margins is about 670). */
export const FIGURE_WIDTH = 660;

/**
 * A notebook figure resized for the page: the document's width, the height scaled with it (the
 * figure's own proportions), smaller type, and one more line of height per extra legend row, so the
 * plotting area stays the same however many rows the legend needs.
 */
export function pageFigure(fig: PlotlyFigure): PlotlyFigure {
  const l = fig.layout;
  const width = (l.width as number) ?? 960, height = (l.height as number) ?? 420;
  const names = l.showlegend === false ? [] : fig.data.filter((t) => t.showlegend !== false && typeof t.name === "string").map((t) => t.name as string);
  const entry = 40 + 5.4 * Math.max(0, ...names.map((n) => n.length));
  const rows = names.length ? Math.ceil(names.length / Math.max(1, Math.floor((FIGURE_WIDTH - 20) / entry))) : 0;
  const legend = { ...(l.legend as object), font: { size: 9 } };
  return {
    data: fig.data,
    layout: {
      ...l, width: FIGURE_WIDTH, height: Math.round((height * FIGURE_WIDTH) / width) + 15 * Math.max(0, rows - 1),
      font: { ...(l.font as object), size: 10 }, legend,
    },
  };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
/** JSON inside a <script> element: no "</" can close it early. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

const CSS = `
@page { size: A4; margin: 18mm 17mm 20mm 17mm; }
html { font-family: "DejaVu Serif", "Liberation Serif", serif; font-size: 10pt; line-height: 1.4; color: #111; }
body { max-width: 176mm; margin: 0 auto; padding: 0 4mm; }
@media print { body { padding: 0; max-width: none; } }
h1, h2, h3, .toc, figcaption, caption, table.results { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; }
h1 { font-size: 16pt; margin: 18pt 0 6pt; break-after: avoid; }
h2 { font-size: 12.5pt; margin: 14pt 0 5pt; break-after: avoid; }
h3 { font-size: 11pt; margin: 10pt 0 4pt; break-after: avoid; }
header.title-block h1.title { font-size: 20pt; margin: 4mm 0 3mm; line-height: 1.2; }
header.title-block p.subtitle { font-family: "DejaVu Sans", sans-serif; font-size: 11pt; margin: 0 0 2pt; text-align: left; }
header.title-block p.authors, header.title-block p.date { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; margin: 0 0 2pt; text-align: left; }
header.title-block p.date { margin-bottom: 6mm; }
header.title-block { margin-bottom: 6mm; }
p { margin: 0 0 6pt; text-align: justify; hyphens: auto; }
nav.toc { margin-bottom: 4mm; columns: 2; column-gap: 8mm; font-size: 9.5pt; }
nav.toc h2 { margin-top: 0; column-span: all; }
nav.toc ol { list-style: none; padding-left: 0; margin: 0; }
nav.toc li { display: flex; align-items: baseline; margin: 2pt 0; }
nav.toc li { break-inside: avoid; }
nav.toc li.d2 { padding-left: 5mm; font-size: 9pt; }
nav.toc li a { color: inherit; text-decoration: none; }
nav.toc li .dots { flex: 1; border-bottom: 1px dotted #999; margin: 0 4pt; }
@media screen { nav.toc li .dots, nav.toc li .page { display: none; } }
figure { margin: 10pt 0; break-inside: avoid; }
figure.plot div.plotly { width: ${FIGURE_WIDTH}px; margin: 0 auto; }
figcaption, caption { font-size: 9pt; color: #222; text-align: left; margin: 4pt 0; }
table.results { border-collapse: collapse; font-size: 8.5pt; margin: 0 auto; }
table.results caption { caption-side: top; }
table.results th, table.results td { padding: 2pt 6pt; border-bottom: 1px solid #ccc; text-align: left; }
table.results thead th { border-bottom: 1.5px solid #333; }
table.results td:first-child, table.results td.num { white-space: nowrap; }
table.results td.num { text-align: right; font-variant-numeric: tabular-nums; }
.num { white-space: nowrap; }
div.math.display { margin: 8pt 0; overflow-x: auto; break-inside: avoid; }
@media print { div.math.display { overflow: visible; } }
p.quick-note { box-sizing: border-box; border: 1.5px solid #c62828; padding: 4pt 8pt; color: #8e0000; font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; }
a.xref { color: #1f4e99; text-decoration: none; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; }
blockquote { margin: 6pt 0 6pt 0; padding-left: 8pt; border-left: 3px solid #bbb; color: #333; }
`;

const QUICK_NOTE = `<p class="quick-note"><strong>Quick build.</strong> These runs use a small part of the data for ` +
  `a few epochs, to test the pipeline; the discussion is written for the full runs (npm run report).</p>`;

const DRAW = `
(function () {
  // Floats: a figure or table moved down past the next few blocks (never into another task, nor
  // a figure past a figure or a table past a table, which keeps their numbers in order), where the
  // printed layout left a hole above it (paginate.ts decides).
  var floats = JSON.parse(document.getElementById("floats").textContent);
  Object.keys(floats).forEach(function (id) {
    var el = document.getElementById(id);
    for (var n = floats[id]; el && n > 0; n--) {
      var next = el.nextElementSibling;
      if (!next || next.tagName === "H1" || (next.tagName === "FIGURE" && next.className === el.className)) break;
      next.after(el);
    }
  });
  var specs = JSON.parse(document.getElementById("figure-specs").textContent);
  var printing = window.matchMedia("print").matches;
  var els = Array.prototype.slice.call(document.querySelectorAll("div.plotly"));
  Promise.all(els.map(function (el) {
    var f = specs[el.getAttribute("data-label")];
    return Plotly.newPlot(el, f.data, f.layout, { staticPlot: printing, displaylogo: false, responsive: false });
  })).then(function () { document.documentElement.setAttribute("data-ready", "1"); },
    function (e) { document.documentElement.setAttribute("data-error", String(e)); });
})();
`;

function toc(headings: readonly Heading[], pages: ReadonlyMap<string, number> | null): string {
  const items = headings.filter((h) => h.depth <= 2).map((h) => {
    const page = pages?.get(h.id);
    return `<li class="d${h.depth}"><a href="#${h.id}">${esc(h.text)}</a><span class="dots"></span>` +
      `<span class="page">${page ?? ""}</span></li>`;
  });
  return `<nav class="toc"><h2>Contents</h2><ol>\n${items.join("\n")}\n</ol></nav>`;
}

export interface DocumentInput {
  readonly rendered: RenderedReport;
  readonly collected: Collected;
  /** results.json's text, embedded for readers of the HTML. */
  readonly resultsJson: string;
  readonly plotlyJs: string;
  /** Page of each heading id, once known (the PDF's second pass). */
  readonly pages?: ReadonlyMap<string, number> | null;
  /** The cover: title, course, assignment, authors, date (report/meta.yaml). */
  readonly meta: ReportMeta;
  /** Figures and tables moved down past this many blocks, by label (paginate.ts). */
  readonly floats?: Readonly<Record<string, number>>;
}

function cover(m: ReportMeta): string {
  return `<h1 class="title">${esc(m.title)}</h1>\n` +
    `<p class="subtitle">${esc(m.course)} · ${esc(m.assignment)}</p>\n` +
    `<p class="authors">${m.authors.map(esc).join(", ")}</p>\n` +
    `<p class="date">${esc(m.date)}</p>\n`;
}

/**
 * The report as one HTML page: the cover (meta) with the first source file as its introduction,
 * the table of contents, then every other file in order.
 */
export function reportHtml(d: DocumentInput): string {
  const r = d.rendered;
  const specs: Record<string, PlotlyFigure> = {};
  for (const label of r.figureOrder) specs[label] = pageFigure(d.collected.figures.get(label)!.figure);
  const [intro, ...rest] = r.sections;
  const headings = r.headings;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="author" content="${esc(d.meta.authors.join(", "))}">
<title>${esc(d.meta.title)}</title>
<style>${CSS}</style>
<style>${r.mathCss}</style>
</head>
<body>
<header class="title-block">
${cover(d.meta)}${d.collected.params.quick === true ? QUICK_NOTE : ""}${intro}
</header>
${toc(headings, d.pages ?? null)}
${rest.map((s) => `<section>\n${s}</section>`).join("\n")}
<script type="application/json" id="results">${scriptJson(JSON.parse(d.resultsJson))}</script>
<script type="application/json" id="figure-specs">${scriptJson(specs)}</script>
<script type="application/json" id="floats">${scriptJson(d.floats ?? {})}</script>
<script>${d.plotlyJs}</script>
<script>${DRAW}</script>
</body>
</html>
`;
}
