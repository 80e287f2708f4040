import { test } from "uvu";
import * as assert from "uvu/assert";
import { PDFDocument } from "pdf-lib";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers";
import { compareNumbers, differenceTable } from "../../src/grading/diff";
import { attachedResults } from "../../src/grading/numbers";
import { attachFile, readPdf } from "../../src/report/pdf";
import { RESULTS_FORMAT, type ResultsFile } from "../../src/report/results";
import { checkResults, shows } from "../../src/grading/consistency";
import { expectedRuns } from "../../src/report/runs";
import { csvField, gradeCsv, gradeSummary } from "../../src/grading/grade";
import { OUTCOME_FORMAT, type Outcome } from "../../src/grading/outcome";
import { checkTime, jobScript, shellQuote } from "../../src/grading/slurm";
import { EXACT, globRegExp, judge, parseTolerances, uniformTolerance } from "../../src/grading/tolerance";

test("diff escapes control characters in keys and values read from a file", () => {
  const a = new Map<string, number | string>([
    ["2c.\x1b[2Jx", 1],
    ["2c.s", "\x1b]0;title\x07"],
  ]);
  const table = differenceTable(compareNumbers(a, new Map(), 0));
  assert.not.match(table, /\x1b/);
  assert.match(table, /2c\.\\x1b\[2Jx = 1/);
  assert.match(table, /\\x1b\]0;title\\x07/);
});

test("numbers agree within tolerance·max(1, |a|, |b|); changed, missing and extra keys are listed", () => {
  const a = new Map<string, number | string>([
    ["2c.valLoss", 0.2978],
    ["2c.steps", 29876],
    ["run 2c.activation", '"sigmoid"'],
    ["2c.only", 1],
  ]);
  const b = new Map<string, number | string>([
    ["2c.valLoss", 0.29785],
    ["2c.steps", 29877],
    ["run 2c.activation", '"relu"'],
    ["3c.only", 2],
  ]);
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
  tables: [],
} as unknown as ResultsFile;

test("a PDF's attached results are read back; a PDF without them and a file that is no PDF are named", async () => {
  const doc = await PDFDocument.create();
  doc.addPage();
  const blank = await doc.save();
  try {
    attachedResults("blank.pdf", (await readPdf(blank, "blank.pdf")).attachments);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /^blank\.pdf: no embedded results\.json/);
  }
  const json = JSON.stringify({ ...results, tasks: { "2c": { steps: 29876 } } });
  const withResults = await attachFile(blank, "results.json", json, "test");
  assert.is(attachedResults("r.pdf", (await readPdf(withResults, "r.pdf")).attachments).results.tasks["2c"].steps, 29876);
  assert.is((await readPdf(withResults, "r.pdf")).pages.length, 1);
  try {
    await readPdf(new TextEncoder().encode("not a pdf"), "x.pdf");
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /^x\.pdf: not a readable PDF/);
  }
});

// ---- results checked against themselves ----------------------------------------------------------

/** Quick-mode results with made-up but possible numbers: 2 epochs of 62 steps, accuracies counts over 2 000 / 1 000 images. */
function quickResults(): any {
  const runs = expectedRuns({ quick: true });
  const tasks: Record<string, Record<string, number>> = {},
    formats: Record<string, Record<string, string>> = {};
  runs.forEach((c, i) => {
    tasks[c.id] = {
      trainLoss: 0.5 + i / 100,
      valLoss: 0.6 + i / 100,
      trainAccuracy: (1500 + i) / 2000,
      valAccuracy: (700 + i) / 1000,
      steps: 124,
      epochs: 2,
      stoppedEarly: 0,
    };
    formats[c.id] = {
      trainLoss: "loss",
      valLoss: "loss",
      trainAccuracy: "percent",
      valAccuracy: "percent",
      steps: "int",
      epochs: "int",
      stoppedEarly: "int",
    };
  });
  const row = (id: string) => [id, tasks[id].valLoss.toFixed(4), `${(100 * tasks[id].valAccuracy).toFixed(3)} %`, String(tasks[id].steps)];
  return {
    format: RESULTS_FORMAT,
    meta: {
      mode: "quick",
      params: { quick: true },
      dataset: { name: "mnist", files: [{ name: "train-images-idx3-ubyte", bytes: 47040016, sha256: "x" }] },
    },
    runs: Object.fromEntries(runs.map((c) => [c.id, c])),
    tasks,
    formats,
    tables: [
      {
        label: "tbl-a",
        number: 1,
        caption: "Runs.",
        columns: ["run", "validation loss", "validation accuracy", "steps"],
        rows: [row("2c"), row("3a")],
        values: [
          ["2c", tasks["2c"].valLoss, tasks["2c"].valAccuracy, 124],
          ["3a", tasks["3a"].valLoss, tasks["3a"].valAccuracy, 124],
        ],
      },
      {
        label: "tbl-b",
        number: 2,
        caption: "Other.",
        columns: ["what", "images", "value"],
        rows: [
          ["all", "60 000", "0.5000"],
          ["some", "123", "0.6000"],
        ],
        values: [
          ["all", 60000, 0.5],
          ["some", 123, 0.6],
        ],
      },
    ],
  };
}
const messagesOf = (r: unknown) => checkResults(r as ResultsFile).findings.map((f) => f.message);

test("consistent results have no findings; the mode is read from the runs' sizes", () => {
  const c = checkResults(quickResults());
  assert.equal(c.findings, []);
  assert.is(c.mode, "quick");
  assert.equal(c.unchecked, ['Table 2, row some, images: "123"'], "a number no row, column or record accounts for is listed, not failed");
});

test("a run's numbers must be possible for its config", () => {
  const r = quickResults();
  r.tasks["2c"].steps = 100;
  r.tasks["3a"].valAccuracy = 0.7005;
  r.tasks["3b"].stoppedEarly = 1;
  r.tasks["3c"].epochs = 3;
  delete r.tasks["4a"].trainLoss;
  const m = messagesOf(r);
  assert.ok(m.includes("2c.steps = 100: a run that did not stop early makes all 124 steps"), m.join("\n"));
  assert.ok(m.includes("3a.valAccuracy = 0.7005: not a whole number of the 1000 images correct"), m.join("\n"));
  assert.ok(
    m.some((x) => x.startsWith("3b.steps = 124: early stopping happens only at a validation check (every 12 steps) after 51 of them")),
    m.join("\n"),
  );
  assert.ok(m.includes("3c.epochs = 3: 124 steps of 62 per epoch begin 2 epochs"), m.join("\n"));
  assert.ok(m.includes("run 4a: results.json does not record its trainLoss"), m.join("\n"));
});

test("tables: a cell must show its value, and a number in a run's row or a recorded column must be recorded", () => {
  let r = quickResults();
  r.tables[0].rows[0][2] = "91.520 %";
  assert.ok(
    messagesOf(r).includes(`Table 1, row 2c, validation accuracy: shows "91.520 %", but its value is ${r.tasks["2c"].valAccuracy}`),
  );
  r = quickResults();
  r.tables[0].rows[1][2] = "91.520 %";
  r.tables[0].values[1][2] = 0.9152;
  assert.ok(messagesOf(r).includes(`Table 1, row 3a, validation accuracy: shows "91.520 %", which results.json does not record for 3a`));
  r = quickResults();
  r.tables[1].values[0][2] = 0.5432;
  r.tables[1].rows[0][2] = "0.5432";
  r.tables[1].values[1][2] = r.tasks["2c"].valLoss;
  r.tables[1].rows[1][2] = r.tasks["2c"].valLoss.toFixed(4);
  assert.ok(
    messagesOf(r).includes(`Table 2, row all, value: shows "0.5432", which results.json does not record`),
    "a column holding recorded numbers holds only those",
  );
  r = quickResults();
  r.tables[1].number = 3;
  assert.ok(messagesOf(r).includes("results.json numbers its tables 1, 3, expected 1 to 2"));
  r = quickResults();
  delete r.formats["2c"].steps;
  assert.ok(messagesOf(r).includes("2c.steps has no format in results.json formats"));
});

test("a cell shows its value in a format, rounded, or as yes/no", () => {
  assert.ok(shows("91.520 %", 0.9152) && shows("29 876", 29876) && shows("2 (no early stop)", 2) && shows("8.00 points below", 0.07999999));
  assert.ok(shows("yes", 1) && shows("no", 0) && shows("1.7e-8", 1.7123e-8) && shows("0.000001", 1e-6));
  assert.not.ok(shows("91.530 %", 0.9152) || shows("46.000 %", 0.4) || shows("yes", 0) || shows("29 877", 29876));
});

test("tolerance rules: globs, first match wins, bands, ignore; bad files are named", () => {
  assert.ok(
    globRegExp("*.valAccuracy").test("2c.valAccuracy") &&
      globRegExp("{4a,4e}.*").test("4e.steps") &&
      !globRegExp("{4a,4e}.*").test("4d.steps"),
  );
  const t = parseTolerances(
    JSON.stringify({
      format: "tdt4265-a2-tolerances/1",
      rules: [
        { match: "4e.valAccuracy", band: [0.945, 0.956] },
        { match: "4e.*", ignore: true },
        { match: "*.valAccuracy", abs: 0.005 },
      ],
    }),
    "t.json",
  );
  assert.is(judge("2c.valAccuracy", 0.9152, 0.919, t), "agree");
  assert.is(judge("2c.valAccuracy", 0.9152, 0.921, t), "differ");
  assert.is(judge("4e.valAccuracy", 0.944, 0.9452, t), "outside band");
  assert.is(judge("4e.valAccuracy", 0.946, null, t), "agree");
  assert.is(judge("4e.steps", 1, 99999, t), "ignored");
  assert.is(judge("2c.steps", 29876, 29877, t), "differ", "the default is exact");
  assert.is(judge("2c.steps", 29876, 29877, uniformTolerance(1e-4)), "agree");
  assert.is(judge("2c.steps", 29876, 29877, EXACT), "differ");
  for (const [bad, re] of [
    ["{", /t\.json: malformed JSON/],
    ['{"rules": []}', /t\.json: not a tolerance file/],
    ['{"format": "tdt4265-a2-tolerances/1", "rules": [{"match": "x", "abs": -1}]}', /t\.json: rule 1: abs -1: expected a number ≥ 0/],
    ['{"format": "tdt4265-a2-tolerances/1", "rules": [{"match": "x"}]}', /rule 1: expected abs, rel, band or ignore/],
    ['{"format": "tdt4265-a2-tolerances/1", "rules": [{"match": "x", "band": [2, 1]}]}', /rule 1: band \[2,1\]: expected \[low, high\]/],
  ] as const) {
    try {
      parseTolerances(bad, "t.json");
      assert.unreachable(bad);
    } catch (e) {
      assert.match((e as Error).message, re);
    }
  }
});

test("the shipped tolerance file parses: the spec's bands, chaotic runs' other numbers ignored, accuracies within 0.5 points", () => {
  const t = parseTolerances(readFileSync(join(ROOT, "grading", "tolerances.json"), "utf8"), "grading/tolerances.json");
  assert.is(judge("4e.valAccuracy", 0.944, 0.944, t), "outside band", "the project's own 4e (94.40 %) is 0.1 point under its band");
  assert.is(judge("4d.valAccuracy", 0.9671, null, t), "agree");
  assert.is(judge("4e.steps", 22876, 12126, t), "ignored");
  assert.is(judge("2c.valAccuracy", 0.9152, 0.919, t), "agree");
  assert.is(judge("2c.valAccuracy", 0.9152, 0.921, t), "differ");
  assert.is(judge("run 2c.learningRate", 0.1, 0.05, t), "differ");
});

test("the Slurm job script: one task per file, names quoted for bash, the verify command each task runs", () => {
  assert.is(shellQuote("a.pdf"), "a.pdf");
  assert.is(shellQuote("it's $(rm -rf ~).pdf"), `'it'\\''s $(rm -rf ~).pdf'`);
  const script = jobScript(
    { dir: "/class", files: ["/class/a.pdf", "/class/x/it's.pdf"], verifyArgs: ["--rerun"], time: "00:30:00", cpus: 2 },
    "/project",
  );
  assert.match(script, /^#!\/bin\/bash\n/);
  assert.ok(
    script.includes(
      "#SBATCH --array=0-1\n#SBATCH --cpus-per-task=2\n#SBATCH --time=00:30:00\n#SBATCH --output=/class/.grade-slurm/logs/%A_%a.out",
    ),
  );
  assert.ok(script.includes(`files=(a.pdf 'x/it'\\''s.pdf')`));
  assert.ok(
    script.includes(`cd /project\nnode --import tsx scripts/verify.ts /class/"$name" --name "$name" --rerun --workers 2 --json "$out"`),
  );
  assert.not.match(script, /--partition/);
  assert.is(checkTime("1-02:00:00"), "1-02:00:00");
  try {
    checkTime("an hour");
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /--time "an hour": expected HH:MM:SS/);
  }
});

test("diff under tolerance rules: a band holds for both sides and says so", () => {
  const t = parseTolerances(
    JSON.stringify({
      format: "tdt4265-a2-tolerances/1",
      rules: [
        { match: "4e.valAccuracy", band: [0.945, 0.956] },
        { match: "*.valAccuracy", abs: 0.005 },
      ],
    }),
    "t",
  );
  const a = new Map<string, number | string>([
    ["4e.valAccuracy", 0.944],
    ["2c.valAccuracy", 0.9152],
  ]);
  const b = new Map<string, number | string>([
    ["4e.valAccuracy", 0.944],
    ["2c.valAccuracy", 0.919],
  ]);
  const d = compareNumbers(a, b, t);
  assert.equal(
    d.map((x) => x.key),
    ["4e.valAccuracy"],
  );
  assert.match(differenceTable(d), /4e\s+valAccuracy\s+0\.944\s+0\.944\s+outside band 0\.945–0\.956/);
});

test("the grade CSV: one row per file, fields quoted and escaped, formulas defused; the summary counts statuses", () => {
  const o = (file: string, status: Outcome["status"], extra: Partial<Outcome> = {}): Outcome => ({
    format: OUTCOME_FORMAT,
    file,
    status,
    mode: "quick",
    checked: 10,
    rerun: false,
    findings: [],
    error: null,
    seconds: 1.5,
    ...extra,
  });
  const rows = [
    o("a.pdf", "ok"),
    o('b, "c".pdf', "tampered", {
      findings: [
        { kind: "text", key: "2c.valAccuracy", message: 'page 3: its text reads "9"' },
        { kind: "page", message: "x" },
      ],
    }),
    o("=cmd|' /C calc'!A0.pdf", "unreadable", { mode: "", error: "not a readable PDF\x1b[2J" }),
  ];
  const csv = gradeCsv(rows);
  assert.is(csv.split("\n")[0], "file,status,mode,checked,findings,differing,reason,seconds");
  assert.is(csv.split("\n")[1], "a.pdf,ok,quick,10,0,,,1.50");
  assert.is(csv.split("\n")[2], `"b, ""c"".pdf",tampered,quick,10,2,2c.valAccuracy,"page 3: its text reads ""9"" (and 1 more)",1.50`);
  assert.is(csv.split("\n")[3], `'=cmd|' /C calc'!A0.pdf,unreadable,,10,0,,not a readable PDF\\x1b[2J,1.50`);
  assert.is(csvField("-1"), "'-1");
  const md = gradeSummary("class", rows, 4.5, "2 at a time", false);
  assert.match(md, /3 PDFs, in 4\.5 s \(1\.50 s per PDF, 2 at a time\)/);
  assert.match(md, /\| ok \| 1 \|\n\| tampered \| 1 \|\n\| unreadable \| 1 \|/);
  assert.match(md, /\| b, "c"\.pdf \| tampered \| quick \| 2c\.valAccuracy \|/);
  assert.not.match(md, /\x1b/);
});

test.run();
