import { test } from "uvu";
import * as assert from "uvu/assert";
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../src/base/errors";
import { checkOutputFile, checkOutputFolder, writeFileAtomic, writeFilesAtomic, writeFolderAtomic } from "../../src/base/io";

test("files written together: all or, when one fails, none, and no temporary file left", () => {
  const dir = mkdtempSync(join(tmpdir(), "io-"));
  const a = join(dir, "report.pdf"),
    b = join(dir, "results.json");
  writeFilesAtomic([
    [a, "old pdf"],
    [b, "old json"],
  ]);
  writeFileSync(join(dir, "blocker"), "a file where a folder is needed");
  assert.throws(() =>
    writeFilesAtomic([
      [a, "new pdf"],
      [join(dir, "blocker", "x.html"), "new html"],
      [b, "new json"],
    ]),
  );
  assert.equal([readFileSync(a, "utf8"), readFileSync(b, "utf8")], ["old pdf", "old json"]);
  assert.equal(readdirSync(dir).sort(), ["blocker", "report.pdf", "results.json"]);
  writeFilesAtomic([
    [a, "new pdf"],
    [b, "new json"],
  ]);
  assert.equal([readFileSync(a, "utf8"), readFileSync(b, "utf8")], ["new pdf", "new json"]);
});

test("an output path that is a symbolic link is replaced, not written through", () => {
  const dir = mkdtempSync(join(tmpdir(), "io-"));
  const victim = join(dir, "victim.txt");
  writeFileSync(victim, "precious");
  const out = join(dir, "out.json");
  symlinkSync(victim, out);
  writeFileAtomic(out, "{}\n");
  assert.is(readFileSync(victim, "utf8"), "precious");
  assert.ok(lstatSync(out).isFile() && readFileSync(out, "utf8") === "{}\n");
});

const names = ["report.pdf", "report.html", "results.json"];
const set = (tag: string) => names.map((n) => [n, `${n} of ${tag}`] as const);
const read = (dir: string) => names.map((n) => readFileSync(join(dir, n), "utf8"));

test("a folder of outputs is one set: a link swapped to a new folder; old versions go; a real folder from before is taken over", () => {
  const parent = mkdtempSync(join(tmpdir(), "io-set-"));
  const out = join(parent, "out");
  // An older build wrote into a real folder.
  mkdirSync(out);
  for (const [n, d] of set("build 0")) writeFileSync(join(out, n), d);
  writeFolderAtomic(out, set("build 1"));
  assert.ok(lstatSync(out).isSymbolicLink(), "the output folder is now a link");
  assert.equal(
    read(out),
    names.map((n) => `${n} of build 1`),
  );
  const first = readlinkSync(out);
  assert.match(first, /^\.out\.\d+-[0-9a-f]+$/, "to a hidden sibling");
  // A reader holding the old folder keeps a whole old set; the next build swaps in a whole new one.
  writeFolderAtomic(out, set("build 2"));
  assert.equal(
    read(out),
    names.map((n) => `${n} of build 2`),
  );
  assert.equal(readdirSync(parent).sort(), [readlinkSync(out), "out"].sort(), "superseded versions and the moved-aside folder are gone");
  // A version left by a build that died (a pid that does not exist) goes too.
  mkdirSync(join(parent, ".out.999999999-abcdef01"));
  writeFolderAtomic(out, set("build 3"));
  assert.equal(readdirSync(parent).length, 2);
});

test("an output folder that is a link elsewhere is replaced, and where it pointed is left alone", () => {
  const parent = mkdtempSync(join(tmpdir(), "io-set-"));
  const mine = join(parent, "mine");
  mkdirSync(mine);
  writeFileSync(join(mine, "report.pdf"), "my own file");
  symlinkSync(mine, join(parent, "out"));
  writeFolderAtomic(join(parent, "out"), set("build"));
  assert.is(readFileSync(join(mine, "report.pdf"), "utf8"), "my own file");
  assert.equal(
    read(join(parent, "out")),
    names.map((n) => `${n} of build`),
  );
});

test("outputs are checked before work: a folder for a file, a file for a folder, a folder of other files, an unwritable place", () => {
  const parent = mkdtempSync(join(tmpdir(), "io-check-"));
  const file = join(parent, "file");
  writeFileSync(file, "x");
  const other = join(parent, "other");
  mkdirSync(other);
  writeFileSync(join(other, "notes.txt"), "mine");
  const cases: [() => void, RegExp][] = [
    [() => checkOutputFile(parent, "--json DIR"), /^--json DIR: a folder, expected a file to write$/],
    [() => checkOutputFile(join(file, "x.json")), /x\.json: cannot write there \(a part of the path is a file, not a folder\)$/],
    [() => checkOutputFile("/proc/a2-results.json"), /^\/proc\/a2-results\.json: cannot write there \(/],
    [() => checkOutputFolder(file, names), /file: a file, expected a folder for report\.pdf, report\.html, results\.json$/],
    [
      () => checkOutputFolder(other, names),
      /other: holds other files \(notes\.txt\); the output folder is replaced as a whole: choose a new or empty folder$/,
    ],
  ];
  for (const [f, re] of cases) assert.throws(f, (e: Error) => e instanceof InputError && re.test(e.message));
  checkOutputFile(join(parent, "new", "deeper", "r.json"));
  checkOutputFolder(join(parent, "fresh"), names);
  assert.equal(readdirSync(parent).sort(), ["file", "other"], "probes leave nothing behind");
});

test.run();
