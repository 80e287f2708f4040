// The live preview's page: the report's parts as the report's HTML shows them (html.ts), with the
// preview's bar, notebooks panel and error overlay, plotly.js, draw.js and the page script from
// /assets/, and the state the script starts from. When no executed notebooks exist yet, a page
// that says so and offers to run the quick ones.
//
// May import: base, report.

import { escapeHtml } from "../base/text";
import { type DocumentParts, assembleHtml, scriptJson } from "../report/html";
import type { PartKeys } from "./parts";
import type { ExecutedSet } from "./notebooks";

/** What the page script starts from (also sent as the "hello" event). */
export interface PageState {
  readonly version: number;
  /** The keys of the parts shown; null when no document is shown. */
  readonly keys: PartKeys | null;
  readonly error: { readonly message: string; readonly file: string | null; readonly line: number | null } | null;
  readonly notebooks: NotebookView;
}

/** The notebooks as the page shows them. */
export interface NotebookView {
  readonly mode: ExecutedSet["mode"];
  readonly notebooks: ExecutedSet["notebooks"];
  /** The command running, or null. */
  readonly running: string | null;
  /** The command that executes the quick notebooks (offered when none exist). */
  readonly quickCommand: string;
}

const esc = escapeHtml;

const BAR =
  `<div id="a2-bar"><span id="a2-live" class="live">live preview</span><span id="a2-mode"></span>` +
  `<a href="/report.pdf" target="_blank" rel="noopener">PDF</a></div>
<div id="a2-notebooks" hidden><ul id="a2-stale"></ul><div id="a2-running"></div><pre id="a2-log" hidden></pre></div>
<div id="a2-overlay" role="alert" hidden><h2>Error in <span id="a2-overlay-place"></span></h2><pre id="a2-overlay-message"></pre>` +
  `<p>The page shows the last good render; fixing the file updates it.</p></div>
`;

const EMPTY_PARTS: DocumentParts = {
  title: "Report preview",
  authors: [],
  css: "",
  titleBlock: "",
  toc: "",
  sections: [],
  specs: {},
  floats: {},
};

/** The preview page; `parts` null when there is no document to show (yet). */
export function previewPage(parts: DocumentParts | null, state: PageState): string {
  const scripts = `<script type="application/json" id="preview-state">${scriptJson(state)}</script>
<script src="/assets/plotly.js"></script>
${parts ? `<script src="/assets/draw.js"></script>\n` : ""}<script src="/assets/preview.js"></script>`;
  const head = `<link rel="stylesheet" href="/assets/preview.css">\n`;
  if (parts) return assembleHtml(parts, { head, before: BAR, scripts });
  const nb = state.notebooks;
  const body =
    nb.mode === null
      ? `<div class="a2-empty"><h1>No executed notebooks yet</h1><p>The report's figures, tables and numbers come from the ` +
        `executed notebooks. Run the quick ones (small runs, about a minute) with</p><p><code>${esc(nb.quickCommand)}</code></p>` +
        `<p><button id="a2-run-quick">Run the quick notebooks</button></p><p>or the full ones with <code>npm run notebooks</code>; ` +
        `this page shows the report as soon as they are there.</p></div>`
      : `<div class="a2-empty"><h1>The report does not render yet</h1><p>See the error below.</p></div>`;
  return assembleHtml({ ...EMPTY_PARTS, titleBlock: body }, { head, before: BAR, scripts });
}
