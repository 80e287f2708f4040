// npm run figure -- NOTEBOOK LABEL OUT.png: export the Plotly figure of a labelled cell of an
// executed notebook to PNG (rendered offline in headless Chromium).

import { Browser } from "../src/report/browser";
import { readNotebook, sourceText } from "../src/report/ipynb";
import { MIME, cellOption } from "../src/contract/contract";
import { InputError } from "../src/base/errors";
import type { PlotlyFigure } from "../src/notebook/figures";
import { checkOutputFile, writeFileAtomic } from "../src/base/io";
import { parseFlags, runMain } from "./lib/cli";

await runMain(async () => {
  const { positionals } = parseFlags({ allowPositionals: true, options: {} });
  if (positionals.length !== 3) throw new InputError("usage: npm run figure -- NOTEBOOK LABEL OUT.png");
  const [path, label, out] = positionals;
  checkOutputFile(out);
  const cell = readNotebook(path).cells.find((c) => cellOption(sourceText(c.source), "label") === label);
  if (!cell) throw new InputError(`${path}: no cell labelled ${label}`);
  const fig = cell.outputs?.find((o) => o.data?.[MIME.plotly])?.data?.[MIME.plotly] as PlotlyFigure | undefined;
  if (!fig) throw new InputError(`${path}: cell ${label} has no Plotly figure (was the notebook executed?)`);
  if (!Array.isArray(fig.data) || fig.layout === null || typeof fig.layout !== "object") {
    throw new InputError(`${path}: cell ${label}'s figure is not a Plotly figure (expected data: [...] and layout: {...})`);
  }
  const browser = await Browser.launch();
  try {
    writeFileAtomic(out, await browser.figurePng(fig));
  } finally {
    await browser.close();
  }
  console.log(`[png] ${out}`);
});
