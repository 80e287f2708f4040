// npm run verify -- report.pdf [--rerun] [--json out.json] [--reference R] [--tolerance T|FILE]:
// what a reader sees is what was computed. The report is rendered again from the results and
// source the PDF carries and compared with its pages as images and as text; its results are
// checked against themselves; with --rerun its runs are re-executed. Exit 0 when all agree, 1
// when not (each difference named), 2 when the PDF cannot be read.

import { resolve } from "node:path";
import { InputError } from "../src/base/errors";
import { checkOutputFile, writeJsonAtomic } from "../src/base/io";
import { defaultRunCache } from "../src/mlp/runcache";
import { loadNumbers } from "../src/grading/numbers";
import { type Outcome, exitCode, outcomeLines } from "../src/grading/outcome";
import { Renderer } from "../src/grading/render";
import { toleranceFlag } from "../src/grading/tolerance";
import { verifyPdf } from "../src/grading/verify";
import { integerFlag, parseFlags, runMain } from "./lib/cli";
import { HELP } from "./lib/help";

await runMain(async () => {
  const { values, positionals } = parseFlags({
    allowPositionals: true,
    options: {
      rerun: { type: "boolean" },
      "no-cache": { type: "boolean" },
      workers: { type: "string" },
      "data-dir": { type: "string" },
      reference: { type: "string" },
      tolerance: { type: "string" },
      json: { type: "string" },
      name: { type: "string" },
    },
  });
  if (positionals.length !== 1) throw new InputError(`usage: ${HELP.verify.usage}`);
  const workers = integerFlag("workers", values.workers, 1);
  if (values.json) checkOutputFile(values.json, `--json ${values.json}`);
  const tolerance = toleranceFlag(values.tolerance);
  const reference = values.reference ? await loadNumbers(values.reference) : null;
  const dataDir = values["data-dir"] ? resolve(values["data-dir"]) : undefined;
  const renderer = Renderer.open();
  let o: Outcome;
  try {
    o = await verifyPdf(positionals[0], {
      renderer,
      reference,
      tolerance,
      name: values.name,
      rerun: values.rerun ? { cache: values["no-cache"] ? null : defaultRunCache(dataDir), workers, dataDir } : null,
    });
  } finally {
    await renderer.close();
  }
  if (values.json) writeJsonAtomic(values.json, o);
  if (o.status === "unreadable") throw new InputError(o.error ?? `${o.file}: unreadable`);
  for (const l of outcomeLines(o)) console.log(l);
  return exitCode(o.status);
}, 2);
