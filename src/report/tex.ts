// Report pipeline: TeX to SVG with MathJax (mathjax-full, lite DOM adaptor), on the server, so the
// report needs no script to show its math and the PDF holds vector equations. Equations are
// numbered AMS-style (equation, align); \label/\eqref work across one document. Bad TeX throws.

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

/** A fresh renderer: its own equation numbers and labels. */
export function texRenderer(): TexRenderer {
  const input = new TeX({
    packages: AllPackages.filter((p) => p !== "bussproofs"),
    tags: "ams",
    formatError: (_jax: unknown, err: Error) => {
      throw err;
    },
  });
  const output = new SVG({ fontCache: "local" });
  const doc = mathjax.document("", { InputJax: input, OutputJax: output });
  const labels = new Set<string>();
  return {
    render(tex, display) {
      for (const m of tex.matchAll(/\\(?:eq)?ref\{([^}]*)\}/g)) {
        if (!labels.has(m[1]) && !new RegExp(`\\\\label\\{${m[1].replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\}`).test(tex)) {
          throw new Error(`reference to the equation label "${m[1]}", which is not defined before it`);
        }
      }
      const node = doc.convert(tex, { display });
      for (const m of tex.matchAll(/\\label\{([^}]*)\}/g)) labels.add(m[1]);
      return adaptor.outerHTML(node);
    },
    labels: () => labels,
    css: () => adaptor.textContent(output.styleSheet(doc) as never),
  };
}
