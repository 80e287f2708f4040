import { test } from "uvu";
import * as assert from "uvu/assert";
import { PDFDocument } from "pdf-lib";
import { compareNumbers, differenceTable } from "../../src/grading/diff";
import { attachedResults } from "../../src/grading/numbers";
import { verifyTables } from "../../src/grading/verify";
import { attachFile, readPdf } from "../../src/report/pdf";
import { RESULTS_FORMAT, type ResultsFile } from "../../src/report/results";

test("numbers agree within tolerance·max(1, |a|, |b|); changed, missing and extra keys are listed", () => {
  const a = new Map<string, number | string>([["2c.valLoss", 0.2978], ["2c.steps", 29876], ["run 2c.activation", '"sigmoid"'], ["2c.only", 1]]);
  const b = new Map<string, number | string>([["2c.valLoss", 0.29785], ["2c.steps", 29877], ["run 2c.activation", '"relu"'], ["3c.only", 2]]);
  assert.equal(compareNumbers(a, a, 0), []);
  const exact = compareNumbers(a, b, 0).map((d) => d.key);
  assert.equal(exact, ["2c.valLoss", "2c.steps", "run 2c.activation", "2c.only", "3c.only"]);
  const loose = compareNumbers(a, b, 1e-4).map((d) => d.key);
  assert.equal(loose, ["run 2c.activation", "2c.only", "3c.only"], "5e-5 absolute and 1 in 29 877 relative are within 1e-4");
  const table = differenceTable(compareNumbers(a, b, 0));
  assert.match(table, /^task\s+name\s+A\s+B\s+difference\n/);
  assert.match(table, /\n2c\s+steps\s+29876\s+29877\s+1\.00e\+0/);
  assert.match(table, /\nonly in A: 2c\.only = 1\nonly in B: 3c\.only = 2$/);
});

const results = {
  format: RESULTS_FORMAT,
  tables: [
    { label: "tbl-x", number: 2, caption: "Final metrics.", columns: ["run", "val acc", "steps"], rows: [["2c", "91.520 %", "29 876"], ["3-ind-momentum", "91.910 %", "18 751"]], values: [] },
    { label: "tbl-hidden", number: null, caption: "Not in the report.", columns: ["a"], rows: [["1"]], values: [] },
  ],
} as unknown as ResultsFile;

test("verify reads each numbered table cell by cell after its caption", () => {
  const good = ["Text before.\nTable 2: Final\nmetrics.\nrun val acc steps\n2c 91.520 % 29 876\n3-ind-\nmomentum 91.910 % 18 751\n"];
  assert.equal(verifyTables(good, results), []);
  const bad = verifyTables([good[0].replace("91.910 %", "92.910 %")], results);
  assert.equal(bad, [{ table: 2, row: "3-ind-momentum", column: "val acc", expected: "91.910 %", found: "92.910 %" }]);
  assert.is(verifyTables(["nothing here"], results)[0].found, "(not found)");
});

test("a PDF's attached results are read back; a PDF without them and a file that is no PDF are named", async () => {
  const doc = await PDFDocument.create();
  doc.addPage();
  const blank = await doc.save();
  try {
    attachedResults("blank.pdf", await readPdf(blank, "blank.pdf"));
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /^blank\.pdf: no embedded results\.json/);
  }
  const json = JSON.stringify({ ...results, tasks: { "2c": { steps: 29876 } } });
  const withResults = await attachFile(blank, "results.json", json, "test");
  assert.is(attachedResults("r.pdf", await readPdf(withResults, "r.pdf")).tasks["2c"].steps, 29876);
  assert.is((await readPdf(withResults, "r.pdf")).pages.length, 1);
  try {
    await readPdf(new TextEncoder().encode("not a pdf"), "x.pdf");
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /^x\.pdf: not a readable PDF/);
  }
});

test.run();
