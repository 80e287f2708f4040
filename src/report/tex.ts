// Report pipeline: TeX to SVG with MathJax (mathjax-full, lite DOM adaptor), on the server, so the
// report needs no script to show its math and the PDF holds vector equations. Equations are
// numbered AMS-style (equation, align); \label/\eqref work across one document. Bad TeX throws.
// A TexCache shared by successive renderers (the live preview) keeps the SVG of every formula whose
// output depends on nothing but its own text: the same document, in a fraction of the time.

import { liteAdaptor } from "mathjax-full/js/adaptors/liteAdaptor.js";
import { RegisterHTMLHandler } from "mathjax-full/js/handlers/html.js";
import { TeX } from "mathjax-full/js/input/tex.js";
import { AllPackages } from "mathjax-full/js/input/tex/AllPackages.js";
import { mathjax } from "mathjax-full/js/mathjax.js";
import { SVG } from "mathjax-full/js/output/svg.js";

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);

export interface TexRenderer {
  /** SVG markup of one formula; throws an Error with MathJax's message on bad TeX. */
  render(tex: string, display: boolean): string;
  /** Labels defined so far (\label{…}). */
  labels(): ReadonlySet<string>;
  /** The CSS the SVG output needs, once per page. */
  css(): string;
}

/**
 * SVG of formulas, shared by successive renderers. A formula's SVG depends on its text, on the
 * macros defined before it and, when it numbers, labels or refers to equations, on the equation
 * counter and the labels it refers to: all are in its key, and what it adds to the document (the
 * counter, its labels) is stored beside it and replayed. Formulas that define macros are always
 * typeset. The font cache's ids inside are renumbered for the document that uses them. Least
 * recently used entries go first.
 */
export interface TexCache {
  /** By the formula's text; "contextual" when its SVG also depends on the numbering (then keyed by both). */
  readonly entries: Map<string, CachedFormula | "contextual">;
  readonly limit: number;
  hits: number;
  misses: number;
}

export interface CachedFormula {
  readonly svg: string;
  /** The equations it numbered (added to the counter). */
  readonly numbered: number;
  /** The labels and ids it defined (MathJax's own records, replayed as they are). */
  readonly labels: Readonly<Record<string, unknown>>;
  readonly ids: Readonly<Record<string, unknown>>;
}

export function texCache(limit = 5000): TexCache {
  return { entries: new Map(), limit, hits: 0, misses: 0 };
}

/** Put an entry last (most recently used), dropping the oldest beyond the limit. */
function touch(cache: TexCache, key: string, value: CachedFormula | "contextual"): void {
  cache.entries.delete(key);
  cache.entries.set(key, value);
  if (cache.entries.size > cache.limit) cache.entries.delete(cache.entries.keys().next().value!);
}

/** Macro definitions and package loads: they change how every later formula reads. */
const DEFINES =
  /\\(?:def|gdef|edef|xdef|let|newcommand|renewcommand|providecommand|DeclareMathOperator|newenvironment|renewenvironment|require)(?![a-zA-Z])/;
/** The font cache's ids in one formula's SVG, "MJX-<n>-…", n counting the document's formulas. */
const LOCAL_ID = /(id="|href="#)MJX-\d+-/g;

/** MathJax's equation numbering state (TeX input's parseOptions.tags; stable through MathJax 3). */
interface TagState {
  allCounter: number;
  allLabels: Record<string, unknown>;
  allIds: Record<string, unknown>;
}

/** A fresh renderer: its own equation numbers and labels (and, when given, a cache it shares). */
export function texRenderer(cache?: TexCache): TexRenderer {
  const input = new TeX({
    packages: AllPackages.filter((p) => p !== "bussproofs"),
    tags: "ams",
    formatError: (_jax: unknown, err: Error) => {
      throw err;
    },
  });
  const output = new SVG({ fontCache: "local" });
  const doc = mathjax.document("", { InputJax: input, OutputJax: output });
  const options = (input as unknown as { parseOptions: { tags: TagState } }).parseOptions;
  const labels = new Set<string>();
  // Formulas converted so far (MathJax numbers the font cache's ids by it) and macros defined so far.
  let count = 0;
  let macros = "";
  return {
    render(tex, display) {
      const refs = [...tex.matchAll(/\\(?:eq)?ref\{([^}]*)\}/g)].map((m) => m[1]);
      for (const r of refs) {
        if (!labels.has(r) && !new RegExp(`\\\\label\\{${r.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\}`).test(tex)) {
          throw new Error(`reference to the equation label "${r}", which is not defined before it`);
        }
      }
      const k = ++count;
      const tags = options.tags;
      // Two keys: the text alone, and with the numbering it depends on when it numbers or refers.
      const base = cache && !DEFINES.test(tex) ? JSON.stringify([display, macros, tex]) : null;
      const full = () => JSON.stringify([display, macros, tex, tags.allCounter, refs.map((r) => tags.allLabels[r] ?? null)]);
      const entry = base === null ? undefined : cache!.entries.get(base);
      const key = entry === "contextual" ? full() : base;
      const cached = key === null ? undefined : cache!.entries.get(key);
      // A label defined again is MathJax's error to raise: typeset it.
      const hit = cached && cached !== "contextual" && !Object.keys(cached.labels).some((l) => l in tags.allLabels) ? cached : undefined;
      let svg: string;
      if (hit) {
        cache!.hits++;
        touch(cache!, key!, hit);
        tags.allCounter += hit.numbered;
        Object.assign(tags.allLabels, hit.labels);
        Object.assign(tags.allIds, hit.ids);
        svg = hit.svg.replace(LOCAL_ID, `$1MJX-${k}-`);
      } else {
        const before = { counter: tags.allCounter, labels: new Set(Object.keys(tags.allLabels)), ids: new Set(Object.keys(tags.allIds)) };
        const fullBefore = base === null ? null : full();
        svg = adaptor.outerHTML(doc.convert(tex, { display })).replace(LOCAL_ID, `$1MJX-${k}-`);
        if (DEFINES.test(tex)) macros += tex + "\n";
        if (base !== null) {
          const added = (all: Record<string, unknown>, old: Set<string>) =>
            Object.fromEntries(Object.entries(all).filter(([name]) => !old.has(name)));
          const labelsAdded = added(tags.allLabels, before.labels),
            idsAdded = added(tags.allIds, before.ids);
          const contextual =
            refs.length > 0 ||
            tags.allCounter !== before.counter ||
            Object.keys(labelsAdded).length > 0 ||
            Object.keys(idsAdded).length > 0;
          cache!.misses++;
          if (contextual) touch(cache!, base, "contextual");
          touch(cache!, contextual ? fullBefore! : base, {
            svg,
            numbered: tags.allCounter - before.counter,
            labels: labelsAdded,
            ids: idsAdded,
          });
        }
      }
      for (const m of tex.matchAll(/\\label\{([^}]*)\}/g)) labels.add(m[1]);
      return svg;
    },
    labels: () => labels,
    css: () => adaptor.textContent(output.styleSheet(doc) as never),
  };
}
