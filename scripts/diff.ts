// npm run diff -- A B [--tolerance T|FILE]: compare the numbers of two builds (each a results.json,
// a report PDF with its embedded results, or a folder of executed notebooks). Prints the numbers
// that differ and those on one side only; exit 0 when all agree, 1 when not, 2 on unreadable input.

import { compareNumbers, differenceTable } from "../src/grading/diff";
import { loadNumbers } from "../src/grading/numbers";
import { InputError } from "../src/base/errors";
import { printable } from "../src/base/text";
import { toleranceFlag } from "../src/grading/tolerance";
import { parseFlags, runMain } from "./lib/cli";
import { HELP } from "./lib/help";

await runMain(async () => {
  const { values, positionals } = parseFlags({ allowPositionals: true, options: { tolerance: { type: "string" } } });
  if (positionals.length !== 2) throw new InputError(`usage: ${HELP.diff.usage} (results.json, report.pdf or a notebooks folder)`);
  const tolerance = toleranceFlag(values.tolerance);
  const [a, b] = [await loadNumbers(positionals[0]), await loadNumbers(positionals[1])];
  const diffs = compareNumbers(a, b, tolerance);
  console.log(`A: ${printable(positionals[0])} (${a.size} values)\nB: ${printable(positionals[1])} (${b.size} values)`);
  if (diffs.length === 0) {
    console.log(`all ${a.size} values agree${values.tolerance ? ` within ${printable(values.tolerance)}` : ""}`);
    return 0;
  }
  const differ = diffs.filter((d) => d.a !== null && d.b !== null).length;
  console.log(differenceTable(diffs));
  console.log(`${differ} differ, ${diffs.length - differ} on one side only`);
  return 1;
}, 2);
