// Report pipeline, stage 3: the hand-written markdown of report/ to HTML (marked), with
//   $…$ and $$…$$        TeX, typeset to SVG by MathJax (tex.ts) before marked can touch it;
//   {{embed LABEL}}       a notebook's labelled figure or table, numbered "Figure N" / "Table N";
//   @fig-… / @tbl-…       a reference to an embedded figure or table ("Figure 2");
//   {{TASK.NAME}}         a recorded number, formatted as everywhere else (formatNumber);
//   {{runs.ID.SETTING}}   a setting of a run as the notebooks trained it (e.g. runs.2c.learningRate);
//   {{claim A > B}}       a claim about the results, checked against them and rendered as nothing
//                         (claims.ts); a sentence that compares results must carry one.
// The build fails, naming the file and line, on bad TeX, an unknown label or number, a false claim,
// a comparison without a claim, a missing or duplicated task heading, leftover placeholder text, and
// raw HTML or URLs outside the policy of rawhtml.ts (no <script>, event handlers or javascript: URLs).
//
// May import: base, contract, report.

import { escapeHtml } from "../base/text";
import { Marked, type Token, type TokenizerAndRendererExtension, type Tokens } from "marked";
import { formatNumber } from "../contract/format";
import { InputError } from "../base/errors";
import type { Collected } from "./results";
import { tableHtml } from "../contract/table";
import { LABEL_PATTERN, LABEL_START } from "../contract/contract";
import { ClaimSyntaxError, type Value, describeFailure, judge, parseClaim } from "./claims";
import { type TexCache, type TexRenderer, texRenderer } from "./tex";
import { rawHtmlProblem, urlProblem } from "./rawhtml";

/** The tasks the report must answer, each under exactly one heading "Task 2c …". */
export const REPORT_TASKS = ["1a", "1b", "2a", "2b", "2c", "2d", "3a", "3b", "3c", "4a", "4b", "4c", "4d", "4e", "4f"];

export interface SourceFile {
  /** Shown in errors, e.g. "report/task2.md". */
  readonly name: string;
  readonly text: string;
}

export interface Heading {
  readonly depth: number;
  readonly text: string;
  readonly id: string;
}

export interface RenderedReport {
  /** The document's title: the first level-1 heading. */
  readonly title: string;
  /** One HTML fragment per source file. */
  readonly sections: readonly string[];
  readonly headings: readonly Heading[];
  /** Labels in the order shown; their position is their number. */
  readonly figureOrder: readonly string[];
  readonly tableOrder: readonly string[];
  /** The CSS of the SVG math. */
  readonly mathCss: string;
  /** Each embedded figure's and table's caption as shown (numbers filled in), by label. */
  readonly captions: ReadonlyMap<string, string>;
}

const PLACEHOLDER = /\b(TODO|TBD|FIXME|XXX)\b|lorem ipsum|\?\?\?|\{\{|\}\}|\[(?:placeholder|citation needed)\]|\\(?:eq)?ref\{/i;

const esc = escapeHtml;

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
const unescapeHtml = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]);

export function slug(s: string): string {
  return s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .replace(/[\s_]+/g, "-")
    .replace(/-+/g, "-");
}

/** "file:line" of a snippet's first line: its nth occurrence in the file (from 0), or its last. */
function place(file: SourceFile, snippet: string, nth: number | "last" = 0): string {
  const line = snippet.split("\n")[0];
  let at = nth === "last" ? file.text.lastIndexOf(line) : file.text.indexOf(line);
  for (let k = 0; nth !== "last" && k < nth && at >= 0; k++) at = file.text.indexOf(line, at + 1);
  return at < 0 ? file.name : `${file.name}:${file.text.slice(0, at).split("\n").length}`;
}

interface MathToken extends Tokens.Generic {
  text: string;
}
interface LabelToken extends Tokens.Generic {
  label: string;
}

/** A marked extension whose token is a regular expression's match at the start of the source. */
function syntax(
  name: string,
  level: "block" | "inline",
  start: RegExp,
  token: RegExp,
  field: "text" | "label",
): TokenizerAndRendererExtension {
  return {
    name,
    level,
    start: (src) => start.exec(src)?.index,
    tokenizer(src) {
      const m = token.exec(src);
      return m ? { type: name, raw: m[0], [field]: field === "text" ? m[1].trim() : m[1] } : undefined;
    },
  };
}

const blockMath = syntax("blockMath", "block", /^ {0,3}\$\$/m, /^ {0,3}\$\$([\s\S]+?)\$\$[^\S\n]*(?:\n+|$)/, "text");
// Pandoc's rule: no space just inside the dollars, no digit right after the closing one.
const inlineMath = syntax("inlineMath", "inline", /\$/, /^\$(?!\$)(?=\S)((?:\\.|[^\\$\n])*?\S)\$(?!\d)/, "text");
const embed = syntax("embed", "block", /^\{\{\s*embed\s/m, /^\{\{\s*embed\s+([\w-]+)\s*\}\}[^\S\n]*(?:\n+|$)/, "label");
const xref = syntax("xref", "inline", new RegExp(`@${LABEL_START}`), new RegExp(`^@(${LABEL_PATTERN})`), "label");
const claim = syntax("claim", "inline", /\{\{\s*claim\s/, /^\{\{\s*claim\s+([^{}]+?)\s*\}\}/, "text");
const number = syntax("number", "inline", /\{\{\s*[\w-]+(?:\.[\w-]+){1,2}\s*\}\}/, /^\{\{\s*([\w-]+(?:\.[\w-]+){1,2})\s*\}\}/, "label");

function closest(known: readonly string[], prefix: string): string {
  const near = known.filter((k) => k.startsWith(prefix));
  return (near.length ? near : known).slice(0, 12).join(", ") + (near.length > 12 || (!near.length && known.length > 12) ? ", …" : "");
}

export interface RenderOptions {
  /** False claims fail the build ("strict", the default) or are only counted ("warn": quick drafts). */
  readonly claims?: "strict" | "warn";
  /** Formulas' SVG kept between renders (the preview's). */
  readonly texCache?: TexCache;
}

export interface CheckedClaim {
  /** "report/03-task3.md:42" */
  readonly at: string;
  readonly text: string;
  readonly holds: boolean;
  /** Why it does not hold (one line naming the place, both sides and their numbers), or null. */
  readonly failure: string | null;
}

/** Words that compare results or say how they behave: a sentence with one and a result needs a claim. */
const COMPARATIVE =
  /\b(higher|lower|faster|slower|better|worse|best|worst|more|fewer|less|larger|smaller|earlier|later|sooner|longer|shorter|overfit\w*|close to|closer|similar\w*|above|below|exceed\w*|outperform\w*|than|rises?|rising|rose|falls?|falling|fell|drops?|dropped|increas\w*|decreas\w*|gap|twice|half)\b/i;
/** A sentence speaks of results when it quotes a recorded number or names a run. */
const RESULT = /\{\{\s*(?!claim\b|embed\b|runs\.)[\w-]+\.[\w-]+\s*\}\}|\b(?:2c|3a|3b|3c|4a|4b|4d|4e|4f)\b|\bbaseline\b/;

/** Sentences of a paragraph's source (math and directives kept whole). */
export function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, " ")
    .split(/(?<=[.!?])\s+(?=[A-Z@{$([])/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/** Render the report's markdown files against the notebooks' results. */
export function renderReport(
  files: readonly SourceFile[],
  c: Collected,
  opts: RenderOptions = {},
): RenderedReport & { claims: CheckedClaim[] } {
  const claims: CheckedClaim[] = [];
  const falseClaims: string[] = [];
  const claimsSeen = new Map<string, number>();
  const unclaimed: string[] = [];
  const tex: TexRenderer = texRenderer(opts.texCache);
  const figureOrder: string[] = [],
    tableOrder: string[] = [];
  const headings: Heading[] = [];
  const ids = new Set<string>();
  let current: SourceFile = files[0];

  const fail = (snippet: string, msg: string): never => {
    throw new InputError(`${place(current, snippet)}: ${msg}`);
  };

  const runSetting = (key: string, raw: string): string => {
    const [, id, setting] = key.split(".");
    const cfg = c.runs.get(id) as unknown as Record<string, unknown> | undefined;
    if (!cfg) return fail(raw, `unknown run "${id}" in ${raw}: expected one of ${[...c.runs.keys()].join(", ")}`);
    const v = setting === undefined ? undefined : cfg[setting];
    if (v === undefined) return fail(raw, `unknown run setting "${setting}" in ${raw}: expected one of ${Object.keys(cfg).join(", ")}`);
    if (Array.isArray(v)) return v.join(", ");
    return typeof v === "number" && Number.isInteger(v) ? formatNumber(v, "int") : String(v);
  };
  // A caption may quote numbers too ({{2b.images}}) and refer to another figure or table
  // (@fig-3-added): filled in as in the prose, as plain text ("Figure 2").
  const captions = new Map<string, string>();
  const captionText = (label: string, caption: string, raw: string): string => {
    const text = caption
      .replace(/\{\{\s*([\w-]+(?:\.[\w-]+){1,2})\s*\}\}/g, (_m, key: string) => {
        if (key.startsWith("runs.")) return runSetting(key, raw);
        const r = c.numbers.get(key);
        return r ? formatNumber(r.value, r.format) : fail(raw, `${label}'s caption: unknown number "${key}"`);
      })
      .replace(new RegExp(`@(${LABEL_PATTERN})`, "g"), (_m, ref: string) => {
        const fi = figureOrder.indexOf(ref),
          ti = tableOrder.indexOf(ref);
        if (fi >= 0) return `Figure ${fi + 1}`;
        if (ti >= 0) return `Table ${ti + 1}`;
        return fail(raw, `${label}'s caption refers to @${ref}, which the report does not embed`);
      });
    captions.set(label, text);
    return text;
  };
  const math = (tk: MathToken, display: boolean): string => {
    if (/\{\{\s*[\w-]+\./.test(tk.text)) fail(tk.raw, `a {{…}} number inside math: put it outside the dollars`);
    try {
      return tex.render(tk.text, display);
    } catch (e) {
      const d = display ? "$$" : "$";
      return fail(tk.raw, `bad TeX in ${d}${tk.text.slice(0, 60)}${d}: ${(e as Error).message}`);
    }
  };

  const lookup = (name: string): Value | null => {
    if (name.startsWith("runs.")) {
      const [, id, setting] = name.split(".");
      const v = (c.runs.get(id) as unknown as Record<string, unknown> | undefined)?.[setting];
      return typeof v === "number" ? { value: v, format: null } : null;
    }
    const r = c.numbers.get(name);
    return r ? { value: r.value, format: r.format } : null;
  };
  const checkClaim = (tk: MathToken): string => {
    let verdict: ReturnType<typeof judge>;
    try {
      verdict = judge(parseClaim(tk.text), lookup);
    } catch (e) {
      if (e instanceof ClaimSyntaxError) return fail(tk.raw, `bad claim {{claim ${tk.text}}}: ${e.message}`);
      throw e;
    }
    // The same claim may be written twice in a file: the k-th token is its k-th occurrence.
    const key = `${current.name}\0${tk.raw}`;
    const nth = claimsSeen.get(key) ?? 0;
    claimsSeen.set(key, nth + 1);
    const at = place(current, tk.raw, nth);
    const failure = verdict.holds ? null : `${at}: ${describeFailure(tk.text, verdict)}`;
    claims.push({ at, text: tk.text, holds: verdict.holds, failure });
    if (failure) falseClaims.push(failure);
    return "";
  };

  const marked = new Marked({
    gfm: true,
    extensions: [
      {
        ...claim,
        renderer: (t) => checkClaim(t as MathToken),
      },
      {
        ...blockMath,
        renderer: (t) => `<div class="math display">${math(t as MathToken, true)}</div>\n`,
      },
      {
        ...inlineMath,
        renderer: (t) => `<span class="math inline">${math(t as MathToken, false)}</span>`,
      },
      {
        ...embed,
        renderer: (t) => {
          const { label } = t as LabelToken;
          const fig = c.figures.get(label),
            tbl = c.tables.get(label);
          if (fig) {
            const n = figureOrder.indexOf(label) + 1;
            return (
              `<figure class="plot" id="${esc(label)}"><div class="plotly" data-label="${esc(label)}"></div>` +
              `<figcaption><strong>Figure ${n}:</strong> ${esc(captionText(label, fig.caption, t.raw))}</figcaption></figure>\n`
            );
          }
          const n = tableOrder.indexOf(label) + 1;
          return (
            `<figure class="table" id="${esc(label)}">` +
            tableHtml(tbl!.table, `Table ${n}: ${captionText(label, tbl!.caption, t.raw)}`) +
            `</figure>\n`
          );
        },
      },
      {
        ...xref,
        renderer: (t) => {
          const { label, raw } = t as LabelToken;
          const fi = figureOrder.indexOf(label),
            ti = tableOrder.indexOf(label);
          if (fi < 0 && ti < 0) {
            const known = [...c.figures.keys(), ...c.tables.keys()];
            if (known.includes(label)) fail(raw, `${raw} refers to ${label}, which the report does not embed ({{embed ${label}}})`);
            fail(raw, `${raw}: unknown label "${label}": expected one of ${closest(known, label.slice(0, 4))}`);
          }
          return `<a class="xref" href="#${esc(label)}">${fi >= 0 ? `Figure ${fi + 1}` : `Table ${ti + 1}`}</a>`;
        },
      },
      {
        ...number,
        renderer: (t) => {
          const { label, raw } = t as LabelToken;
          if (label.startsWith("runs.")) return `<span class="num" data-key="${esc(label)}">${esc(runSetting(label, raw))}</span>`;
          const r = c.numbers.get(label);
          if (!r) {
            fail(raw, `unknown number "${label}": expected one of ${closest([...c.numbers.keys()], label.split(".")[0] + ".")}`);
          }
          return `<span class="num" data-key="${esc(label)}">${esc(formatNumber(r!.value, r!.format))}</span>`;
        },
      },
    ],
    renderer: {
      heading({ tokens, depth, text }) {
        const inner = this.parser.parseInline(tokens);
        let id = slug(text) || "section";
        for (let k = 2; ids.has(id); k++) id = `${slug(text)}-${k}`;
        ids.add(id);
        headings.push({ depth, text: unescapeHtml(inner.replace(/<[^>]+>/g, "")), id });
        return `<h${depth} id="${id}">${inner}</h${depth}>\n`;
      },
    },
  });

  // Pass 1: tokens, embedded labels in order (their numbers), task headings, placeholders.
  const lexed = files.map((f) => ({ file: f, tokens: marked.lexer(f.text) }));
  const tasks = new Map<string, string>();
  for (const { file, tokens } of lexed) {
    current = file;
    marked.walkTokens(tokens, (t: Token) => {
      // Raw HTML and URLs: the policy of rawhtml.ts.
      const unsafe =
        t.type === "html"
          ? rawHtmlProblem(t.raw)
          : t.type === "link" || t.type === "image"
            ? urlProblem((t as Tokens.Link).href, t.raw, t.type === "image")
            : null;
      if (unsafe) fail(unsafe.snippet, unsafe.message);
      if (t.type === "embed") {
        const { label, raw } = t as LabelToken;
        if (figureOrder.includes(label) || tableOrder.includes(label)) fail(raw, `${label} is embedded twice`);
        if (c.figures.has(label)) figureOrder.push(label);
        else if (c.tables.has(label)) tableOrder.push(label);
        else
          fail(raw, `unknown label "${label}": expected one of ${closest([...c.figures.keys(), ...c.tables.keys()], label.slice(0, 4))}`);
      } else if (t.type === "heading") {
        const m = /^Task\s+(\d[a-z])\b/.exec((t as Tokens.Heading).text);
        if (m) {
          const at = place(file, t.raw.trim());
          if (tasks.has(m[1]))
            throw new InputError(
              `${place(file, t.raw.trim(), "last")}: a second heading for Task ${m[1]} (the first is at ${tasks.get(m[1])})`,
            );
          tasks.set(m[1], at);
        }
      } else if (t.type === "paragraph") {
        for (const sentence of sentences(t.raw)) {
          if (COMPARATIVE.test(sentence) && RESULT.test(sentence) && !/\{\{\s*claim\s/.test(sentence)) {
            const words = sentence
              .split(" ")
              .slice(0, 6)
              .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
              .join("\\s+");
            const within = new RegExp(words).exec(t.raw)?.index ?? 0;
            const start = file.text.indexOf(t.raw.split("\n")[0]);
            const line = file.text.slice(0, Math.max(0, start)).split("\n").length + t.raw.slice(0, within).split("\n").length - 1;
            unclaimed.push(
              `${file.name}:${line}: a sentence compares results without a claim: "${sentence.slice(0, 90)}${sentence.length > 90 ? "…" : ""}" ` +
                `(add {{claim …}} with the numbers it compares, e.g. {{claim 3c.valLoss > 3a.valLoss}})`,
            );
          }
        }
      } else if (t.type === "text" && !("tokens" in t && t.tokens)) {
        const hit = PLACEHOLDER.exec(t.raw);
        if (hit?.[0].startsWith("\\")) fail(t.raw.trim(), `${hit[0]}…} outside math: write it as $${hit[0]}…}$`);
        if (hit && /[{}]/.test(hit[0]))
          fail(t.raw.trim(), `malformed directive near "${t.raw.trim().slice(0, 40)}": expected {{TASK.NAME}} or {{embed LABEL}}`);
        if (hit) fail(t.raw.trim(), `placeholder text "${hit[0]}" left in the report`);
      }
    });
  }
  if (unclaimed.length) throw new InputError(unclaimed.join("\n"));
  const missing = REPORT_TASKS.filter((t) => !tasks.has(t));
  if (missing.length) {
    throw new InputError(
      `${files.map((f) => f.name).join(", ")}: no heading for ${missing.map((t) => `Task ${t}`).join(", ")} ` +
        `(expected a heading such as "## Task ${missing[0]}: …")`,
    );
  }

  // Pass 2: HTML.
  const sections = lexed.map(({ file, tokens }) => {
    current = file;
    return marked.parser(tokens);
  });
  const title = headings.find((h) => h.depth === 1)?.text ?? "Report";
  if (falseClaims.length && (opts.claims ?? "strict") === "strict") {
    const n = falseClaims.length;
    throw new InputError(
      [
        ...falseClaims,
        `${n} claim${n === 1 ? " is" : "s are"} false on these runs: change the text, or build a draft with --claims warn`,
      ].join("\n"),
    );
  }
  return { title, sections, headings, figureOrder, tableOrder, mathCss: tex.css(), claims, captions };
}
