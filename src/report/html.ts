// Report pipeline, stage 4: one self-contained HTML document (inline CSS, plotly.js, figure specs,
// SVG math, the results file) that shows interactive charts opened from disk and prints to the
// A4 PDF: title block, table of contents, one section per task file. Built from parts (the live
// preview sends them one by one) and the templates in templates/: the style sheet and the script
// that draws the charts, read on every call. Its Content-Security-Policy lets it run its own
// scripts (plotly.js and the drawing code, by hash; the layout-only page that settles the print's
// layout has the drawing code alone) and nothing else, and fetch nothing: whatever a notebook
// output or the markdown slipped into it stays inert.

import { escapeHtml } from "../base/text";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../base/paths";
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
  const width = (l.width as number) ?? 960,
    height = (l.height as number) ?? 420;
  const names =
    l.showlegend === false ? [] : fig.data.filter((t) => t.showlegend !== false && typeof t.name === "string").map((t) => t.name as string);
  const entry = 40 + 5.4 * Math.max(0, ...names.map((n) => n.length));
  const rows = names.length ? Math.ceil(names.length / Math.max(1, Math.floor((FIGURE_WIDTH - 20) / entry))) : 0;
  const legend = { ...(l.legend as object), font: { size: 9 } };
  return {
    data: fig.data,
    layout: {
      ...l,
      width: FIGURE_WIDTH,
      height: Math.round((height * FIGURE_WIDTH) / width) + 15 * Math.max(0, rows - 1),
      font: { ...(l.font as object), size: 10 },
      legend,
      margin: { ...(l.margin as object), b: ((l.margin as { b?: number })?.b ?? 40) + 15 * Math.max(0, rows - 1) },
    },
  };
}

const esc = escapeHtml;
/** JSON inside a <script> element: no "</" can close it early. */
export const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

/** The folder of the document's templates (report.css, draw.js). */
export function templatesDir(): string {
  return join(packageRoot(), "src", "report", "templates");
}

/** A template's text. */
export function template(name: "report.css" | "draw.js"): string {
  return readFileSync(join(templatesDir(), name), "utf8");
}

const QUICK_NOTE =
  `<p class="quick-note"><strong>Quick build.</strong> These runs use a small part of the data for ` +
  `a few epochs, to test the pipeline; the discussion is written for the full runs (npm run report).</p>`;

function toc(headings: readonly Heading[], pages: ReadonlyMap<string, number> | null): string {
  const items = headings
    .filter((h) => h.depth <= 2)
    .map((h) => {
      const page = pages?.get(h.id);
      return (
        `<li class="d${h.depth}"><a href="#${h.id}">${esc(h.text)}</a><span class="dots"></span>` +
        `<span class="page">${page ?? ""}</span></li>`
      );
    });
  return `<nav class="toc" data-part="toc"><h2>Contents</h2><ol>\n${items.join("\n")}\n</ol></nav>`;
}

/**
 * The document's policy: scripts only by the hashes of `scripts` (the exact text of its inline
 * scripts), inline styles, data: images and fonts, no requests, no forms, no base URL.
 */
export function contentSecurityPolicy(scripts: readonly string[]): string {
  const hashes = scripts.map((s) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`);
  return [
    "default-src 'none'",
    `script-src ${hashes.join(" ")}`,
    "style-src 'unsafe-inline'",
    "img-src data:",
    "font-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
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
  return (
    `<h1 class="title">${esc(m.title)}</h1>\n` +
    `<p class="subtitle">${esc(m.course)} · ${esc(m.assignment)}</p>\n` +
    `<p class="authors">${m.authors.map(esc).join(", ")}</p>\n` +
    `<p class="date">${esc(m.date)}</p>\n`
  );
}

/** The document in parts: what the live preview compares and sends one by one. */
export interface DocumentParts {
  readonly title: string;
  readonly authors: readonly string[];
  /** The style sheets: the document's and the math's. */
  readonly css: string;
  /** The title block's contents (the first source file, and the quick-build note). */
  readonly titleBlock: string;
  /** The table of contents, a <nav> element. */
  readonly toc: string;
  /** The contents of each section: one per source file after the first. */
  readonly sections: readonly string[];
  /** The page's figures by label (pageFigure). */
  readonly specs: Readonly<Record<string, PlotlyFigure>>;
  /** Figures and tables moved down past this many blocks, by label (draw.js applies them). */
  readonly floats: Readonly<Record<string, number>>;
}

/**
 * The report's parts: the cover (meta) with the first source file as its introduction, the table
 * of contents, then every other file as a section.
 */
export function documentParts(d: Omit<DocumentInput, "resultsJson" | "plotlyJs">): DocumentParts {
  const r = d.rendered;
  const specs: Record<string, PlotlyFigure> = {};
  for (const label of r.figureOrder) specs[label] = pageFigure(d.collected.figures.get(label)!.figure);
  const [intro, ...sections] = r.sections;
  const headings = r.headings;
  return {
    title: d.meta.title,
    authors: d.meta.authors,
    css: `:root { --figure-width: ${FIGURE_WIDTH}px; }\n${template("report.css")}\n${r.mathCss}`,
    titleBlock: cover(d.meta) + (d.collected.params.quick === true ? QUICK_NOTE : "") + intro,
    toc: toc(headings, d.pages ?? null),
    sections,
    specs,
    floats: d.floats ?? {},
  };
}

/** A section element of the document (data-part names it for the preview). */
export function sectionHtml(i: number, html: string): string {
  return `<section data-part="section-${i}">\n${html}</section>`;
}

/** The page around the parts; `head` and `scripts` are HTML put as they are (trusted). */
export function assembleHtml(p: DocumentParts, o: { head?: string; before?: string; scripts: string; csp?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${o.csp ? `<meta http-equiv="Content-Security-Policy" content="${esc(o.csp)}">\n` : ""}<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="author" content="${esc(p.authors.join(", "))}">
<title>${esc(p.title)}</title>
<style data-part="css">${p.css}</style>
${o.head ?? ""}</head>
<body>
${o.before ?? ""}<header class="title-block" data-part="title">
${p.titleBlock}
</header>
${p.toc}
${p.sections.map((s, i) => sectionHtml(i, s)).join("\n")}
<script type="application/json" id="figure-specs">${scriptJson(p.specs)}</script>
<script type="application/json" id="floats">${scriptJson(p.floats)}</script>
${o.scripts}
</body>
</html>
`;
}

/**
 * The report as one self-contained HTML page (reportHtml → printPdf prints it). `layoutOnly`: the
 * same page without plotly.js, each chart an empty box of its printed size (draw.js): what
 * paginate.ts prints while the layout is still moving, in about half the time.
 */
export function reportHtml(d: DocumentInput, layoutOnly = false): string {
  const draw = template("draw.js");
  return assembleHtml(documentParts(d), {
    csp: contentSecurityPolicy(layoutOnly ? [draw] : [d.plotlyJs, draw]),
    scripts: `<script type="application/json" id="results">${scriptJson(JSON.parse(d.resultsJson))}</script>
${layoutOnly ? '<script type="application/json" id="layout-only">true</script>' : `<script>${d.plotlyJs}</script>`}
<script>${draw}</script>`,
  });
}
