// npm run verify -- report.pdf: check that every table cell the PDF's text shows is what its
// embedded results.json says (a hand-edited PDF is caught). Exit 0 when all match, 1 when not,
// 2 on unreadable input.

import { readFileSync, existsSync } from "node:fs";
import { InputError } from "../src/base/errors";
import { attachedResults } from "../src/grading/numbers";
import { verifyTables } from "../src/grading/verify";
import { readPdf } from "../src/report/pdf";
import { parseFlags, runMain } from "./lib/cli";

await runMain(async () => {
  const { positionals } = parseFlags({ allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new InputError("usage: npm run verify -- report.pdf");
  const path = positionals[0];
  if (!existsSync(path)) throw new InputError(`${path}: no such file`);
  const pdf = await readPdf(readFileSync(path), path);
  const results = attachedResults(path, pdf);
  const { pages } = pdf;
  const bad = verifyTables(pages, results);
  const tables = results.tables.filter((t) => t.number !== null);
  const cells = tables.reduce((n, t) => n + t.rows.reduce((m, r) => m + r.length, 0), 0);
  if (bad.length === 0) {
    console.log(`${path}: ${tables.length} tables, ${cells} cells, all as in the embedded results.json`);
    return 0;
  }
  for (const m of bad) {
    console.log(`Table ${m.table}, ${m.row ? `row ${m.row}, ` : ""}${m.column}: the PDF shows "${m.found}", results.json says "${m.expected}"`);
  }
  console.log(`${path}: ${bad.length} of ${cells} cells do not match the embedded results.json`);
  return 1;
}, 2);
