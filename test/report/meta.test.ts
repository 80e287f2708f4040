import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEMPLATE_AUTHOR, normalizeMeta, readMeta, templateAuthorWarning } from "../../src/report/meta";
import { ROOT } from "../helpers";

test("the project's meta.yaml is complete", () => {
  const m = readMeta(join(ROOT, "report", "meta.yaml"));
  assert.ok(m.title && m.course && m.assignment && m.date && m.authors.length > 0);
  assert.ok(Object.isFrozen(m));
});

test("a cover that still names the template's author gets a warning; one with other names does not", () => {
  const spec = { title: "T", course: "C", assignment: "A", authors: ["Kari", TEMPLATE_AUTHOR], date: "1 May 2026" };
  assert.match(
    templateAuthorWarning(normalizeMeta(spec, "m.yaml"), "m.yaml") ?? "",
    /^m\.yaml: the authors are still "The tdt4265-a2-report developers"/,
  );
  assert.is(templateAuthorWarning(normalizeMeta({ ...spec, authors: ["Kari Nordmann"] }, "m.yaml"), "m.yaml"), null);
});

test("a single author is a list of one; bad fields are named with the file", () => {
  const spec = { title: "T", course: "C", assignment: "A", authors: "Kari", date: 2026 };
  assert.equal(normalizeMeta(spec, "m.yaml").authors, ["Kari"]);
  assert.is(normalizeMeta(spec, "m.yaml").date, "2026");
  assert.throws(() => normalizeMeta({ ...spec, authors: [] }, "m.yaml"), /^m\.yaml: authors \[\]: expected a name or a list of names$/);
  assert.throws(() => normalizeMeta({ ...spec, title: "" }, "m.yaml"), /^m\.yaml: title "": expected a text$/);
  assert.throws(() => normalizeMeta({ ...spec, tilte: "x" }, "m.yaml"), /unknown field "tilte"/);
  const dir = mkdtempSync(join(tmpdir(), "a2-meta-"));
  writeFileSync(join(dir, "meta.yaml"), "title: [unclosed\n");
  assert.throws(() => readMeta(join(dir, "meta.yaml")), /meta\.yaml: not valid YAML/);
  assert.throws(() => readMeta(join(dir, "none.yaml")), /none\.yaml: no such file/);
});

test.run();
