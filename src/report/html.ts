// Report pipeline, stage 4: one self-contained HTML document (inline CSS, plotly.js, figure specs,
// SVG math, the results file) that shows interactive charts opened from disk and prints to the
// A4 PDF: title block, table of contents, one section per task file. Its Content-Security-Policy
// lets it run its own two scripts (plotly.js and the drawing code, by hash) and nothing else, and
// fetch nothing: whatever a notebook output or the markdown slipped into it stays inert.

import { createHash } from "node:crypto";
import type { PlotlyFigure } from "../contract/contract";
import type { Heading, RenderedReport } from "./markdown";
import type { Collected } from "./results";

/** Width of a chart in the document, in CSS pixels (A4 less the margins is about 670). */
export const FIGURE_WIDTH = 660;

/**
 * A notebook figure resized for the page: the document's width, smaller type, and a height that
 * keeps the plotting area the same however many rows the legend below it needs.
 */
export function pageFigure(fig: PlotlyFigure): PlotlyFigure {
  const l = fig.layout;
  const names = fig.data.filter((t) => t.showlegend !== false && typeof t.name === "string").map((t) => t.name as string);
  const entry = 40 + 5.4 * Math.max(0, ...names.map((n) => n.length));
  const rows = Math.ceil(names.length / Math.max(1, Math.floor((FIGURE_WIDTH - 20) / entry)));
  const legend = { ...(l.legend as object), font: { size: 9 } };
  return {
    data: fig.data,
    layout: {
      ...l, width: FIGURE_WIDTH, height: 380 + 17 * rows + (l.title ? 30 : 0), font: { ...(l.font as object), size: 10 }, legend,
      margin: { l: 55, r: 10, t: l.title ? 40 : 10, b: 40 },
    },
  };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
/** JSON inside a <script> element: no "</" can close it early. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

const CSS = `
@page { size: A4; margin: 18mm 17mm 20mm 17mm; }
html { font-family: "DejaVu Serif", "Liberation Serif", serif; font-size: 10.5pt; line-height: 1.45; color: #111; }
body { max-width: 176mm; margin: 0 auto; padding: 0 4mm; }
@media print { body { padding: 0; max-width: none; } }
h1, h2, h3, .toc, figcaption, caption, table.results { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; }
h1 { font-size: 17pt; margin: 0 0 8pt; break-before: page; }
h2 { font-size: 13pt; margin: 16pt 0 6pt; break-after: avoid; }
h3 { font-size: 11pt; margin: 12pt 0 4pt; break-after: avoid; }
header.title-block h1 { break-before: avoid; font-size: 22pt; margin-top: 30mm; }
header.title-block { margin-bottom: 12mm; }
p { margin: 0 0 7pt; text-align: justify; hyphens: auto; }
nav.toc { break-after: page; }
nav.toc h2 { margin-top: 0; }
nav.toc ol { list-style: none; padding-left: 0; margin: 0; }
nav.toc li { display: flex; align-items: baseline; margin: 2pt 0; }
nav.toc li.d2 { padding-left: 6mm; font-size: 9.5pt; }
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
table.results td:first-child { white-space: nowrap; }
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

/**
 * The document's policy: scripts only by the hashes of `scripts` (the exact text of its inline
 * scripts), inline styles, data: images and fonts, no requests, no forms, no base URL.
 */
export function contentSecurityPolicy(scripts: readonly string[]): string {
  const hashes = scripts.map((s) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`);
  return ["default-src 'none'", `script-src ${hashes.join(" ")}`, "style-src 'unsafe-inline'", "img-src data:",
    "font-src data:", "base-uri 'none'", "form-action 'none'"].join("; ");
}

export interface DocumentInput {
  readonly rendered: RenderedReport;
  readonly collected: Collected;
  /** results.json's text, embedded for readers of the HTML. */
  readonly resultsJson: string;
  readonly plotlyJs: string;
  /** Page of each heading id, once known (the PDF's second pass). */
  readonly pages?: ReadonlyMap<string, number> | null;
}

/**
 * The report as one HTML page. The first source file is the title block (its level-1 heading is
 * the title); the table of contents follows; every other file starts on a new page.
 */
export function reportHtml(d: DocumentInput): string {
  const r = d.rendered;
  const specs: Record<string, PlotlyFigure> = {};
  for (const label of r.figureOrder) specs[label] = pageFigure(d.collected.figures.get(label)!.figure);
  const [titleBlock, ...rest] = r.sections;
  const headings = r.headings.filter((h) => h.text !== r.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy([d.plotlyJs, DRAW])}">
<title>${esc(r.title)}</title>
<style>${CSS}</style>
<style>${r.mathCss}</style>
</head>
<body>
<header class="title-block">
${titleBlock}${d.collected.params.quick === true ? QUICK_NOTE : ""}
</header>
${toc(headings, d.pages ?? null)}
${rest.map((s) => `<section>\n${s}</section>`).join("\n")}
<script type="application/json" id="results">${scriptJson(JSON.parse(d.resultsJson))}</script>
<script type="application/json" id="figure-specs">${scriptJson(specs)}</script>
<script>${d.plotlyJs}</script>
<script>${DRAW}</script>
</body>
</html>
`;
}
