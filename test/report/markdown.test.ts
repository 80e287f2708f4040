import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Collected } from "../../src/report/results";
import { REPORT_TASKS, type SourceFile, renderReport } from "../../src/report/markdown";
import { formatNumber } from "../../src/contract/format";
import type { RunConfig } from "../../src/mlp/config";

const fig = { data: [{ type: "scatter", x: [0, 1], y: [1, 0], name: "train loss" }], layout: { width: 960, height: 420 } };
const collected: Collected = {
  notebooks: ["task2.ipynb"],
  figures: new Map([["fig-a", { label: "fig-a", caption: "The curves <of> A.", figure: fig, notebook: "task2.ipynb" }]]),
  tables: new Map([
    [
      "tbl-b",
      {
        label: "tbl-b",
        caption: "Metrics of B.",
        notebook: "task2.ipynb",
        table: { columns: ["run", "val acc"], rows: [["2c", "91.520 %"]], values: [["2c", 0.9152]] },
      },
    ],
  ]),
  numbers: new Map([
    ["2c.valAccuracy", { task: "2c", name: "valAccuracy", value: 0.9152, format: "percent" as const }],
    ["2c.steps", { task: "2c", name: "steps", value: 29876, format: "int" as const }],
  ]),
  runs: new Map([["2c", { id: "2c", hidden: [64], learningRate: 0.1, trainSize: 20000 } as unknown as RunConfig]]),
  params: {},
  seedStudy: null,
};

/** Every task heading, so that a document passes the heading check. */
const headings = REPORT_TASKS.map((t) => `## Task ${t}: something\n\nText.\n`).join("\n");
const doc = (body: string, name = "report/t.md"): SourceFile[] => [
  { name: "report/00.md", text: "# The title\n\nIntro.\n" },
  { name, text: body + "\n\n" + headings },
];

test("numbers, run settings, embeds and references render; figures and tables are numbered in order", () => {
  const r = renderReport(
    doc(
      [
        "See @tbl-b and @fig-a. Accuracy {{2c.valAccuracy}} after {{2c.steps}} steps; lr {{runs.2c.learningRate}}, " +
          "{{runs.2c.trainSize}} images, hidden {{runs.2c.hidden}}.",
        "",
        "{{embed fig-a}}",
        "",
        "{{embed tbl-b}}",
      ].join("\n"),
    ),
    collected,
  );
  const html = r.sections.join("");
  assert.ok(html.includes(`<span class="num" data-key="2c.valAccuracy">${formatNumber(0.9152, "percent")}</span>`));
  assert.ok(html.includes(">29 876<"), "integers grouped by thin spaces as in the tables");
  assert.ok(html.includes(">0.1<") && html.includes(">20 000<") && html.includes('hidden <span class="num" data-key="runs.2c.hidden">64<'));
  assert.ok(html.includes('<a class="xref" href="#tbl-b">Table 1</a>') && html.includes('<a class="xref" href="#fig-a">Figure 1</a>'));
  assert.ok(html.includes("<strong>Figure 1:</strong> The curves &lt;of&gt; A."), "captions are escaped");
  assert.ok(html.includes("Table 1: Metrics of B.") && html.includes('<td class="num">91.520 %</td>'));
  assert.equal(r.figureOrder, ["fig-a"]);
  assert.equal(r.tableOrder, ["tbl-b"]);
  assert.is(r.title, "The title");
  assert.ok(r.headings.some((h) => h.text === "Task 2c: something" && h.id === "task-2c-something"));
  const amp = renderReport([{ name: "t.md", text: `# A & B's "title"\n\n${headings}` }], collected);
  assert.is(amp.title, 'A & B\'s "title"', "heading text is plain text, for the contents and the bookmarks");
});

test("TeX becomes SVG untouched by markdown; equations are numbered and referable", () => {
  const r = renderReport(
    doc(
      [
        "Inline $a_i * b_i * c$ and a price of $5 and $6.",
        "",
        "$$",
        "\\begin{equation} x = \\frac{1}{2} \\label{eq:x} \\end{equation}",
        "$$",
        "",
        "As $\\eqref{eq:x}$ says.",
      ].join("\n"),
    ),
    collected,
  );
  const html = r.sections.join("");
  assert.is((html.match(/<mjx-container/g) ?? []).length, 3, "two inline formulas and one display");
  assert.ok(
    html.includes('id="mjx-eqn:eq:x"') && html.includes('href="#mjx-eqn%3Aeq%3Ax"'),
    "the equation is labelled and the reference links to it",
  );
  assert.ok(html.includes('data-c="31"'), "the reference shows the number 1");
  assert.not.ok(html.includes("<em>"), "no emphasis made of the asterisks in TeX");
  assert.ok(html.includes("price of $5 and $6"), "dollar amounts stay text");
  assert.ok(r.mathCss.includes("mjx-container"));
});

const fails = (body: string, re: RegExp) => {
  assert.throws(
    () => renderReport(doc(body), collected),
    (e: Error) => {
      if (!re.test(e.message)) throw new Error(`message ${JSON.stringify(e.message)} does not match ${re}`);
      return true;
    },
  );
};

test("build-time checks name the file and line", () => {
  fails("Line one.\n\nBad $\\frac{1}{$ here.", /^report\/t\.md:3: bad TeX in \$\\frac\{1\}\{\$: Missing close brace/);
  fails("Bad\n\n$$\n\\begin{equation} x \\end{equatio}\n$$", /^report\/t\.md:3: bad TeX/);
  fails("A {{2c.valAcc}} number.", /^report\/t\.md:1: unknown number "2c\.valAcc": expected one of 2c\.valAccuracy, 2c\.steps/);
  fails("A {{runs.2c.lr}} setting.", /unknown run setting "lr" in \{\{runs\.2c\.lr\}\}/);
  fails("x\n\n{{embed fig-b}}", /^report\/t\.md:3: unknown label "fig-b": expected one of fig-a/);
  fails("See @fig-zz.", /^report\/t\.md:1: @fig-zz: unknown label "fig-zz"/);
  fails("See @fig-a.", /refers to fig-a, which the report does not embed/);
  fails("{{embed fig-a}}\n\n{{embed fig-a}}", /fig-a is embedded twice/);
  fails("Ref $\\eqref{eq:nope}$.", /equation label "eq:nope", which is not defined before it/);
  fails("Loose \\eqref{eq:x} here.", /\\eqref\{…\} outside math/);
  fails("Math $\\mu = {{2c.steps}}$.", /a \{\{…\}\} number inside math/);
  fails("\n\nWe still need to TODO this.", /^report\/t\.md:3: placeholder text "TODO" left in the report/);
  fails("Results: ???", /placeholder text "\?\?\?"/);
  fails("A {{2c valAccuracy}} typo.", /malformed directive near/);
  fails("## Task 2c: again", /^report\/t\.md:\d+: a second heading for Task 2c \(the first is at report\/t\.md:1\)/);
  assert.throws(
    () => renderReport([{ name: "report/a.md", text: "# T\n\n## Task 1a: x\n" }], collected),
    /no heading for Task 1b, Task 2a, .*Task 4f \(expected a heading such as "## Task 1b: …"\)/,
  );
});

test("claims render as nothing and are listed; a false one fails naming the file, the line and both sides", () => {
  const r = renderReport(
    doc("Steps: {{2c.steps}} is more than 10 000{{claim 2c.steps > 10000}}, and the accuracy is above 90 %{{claim 2c.valAccuracy > 0.9}}."),
    collected,
  );
  assert.not.ok(r.sections.join("").includes("claim"));
  assert.equal(
    r.claims.map((c) => [c.at, c.holds]),
    [
      ["report/t.md:1", true],
      ["report/t.md:1", true],
    ],
  );
  fails(
    "Line one.\n\nThe baseline is better than 95 %{{claim 2c.valAccuracy > 0.95}}.",
    /^report\/t\.md:3: claim "2c\.valAccuracy > 0\.95" is false: left side 0\.9152, right side 0\.95 \(2c\.valAccuracy = 91\.520 %\)\n1 claim is false on these runs: change the text, or build a draft with --claims warn$/,
  );
  fails(
    "Above 95 %{{claim 2c.steps > 1}}.\n\nStill above{{claim 2c.valAccuracy > 0.95}}.\n\nAnd again above{{claim 2c.valAccuracy > 0.95}}.",
    /^report\/t\.md:3: claim .*\nreport\/t\.md:5: claim "2c\.valAccuracy > 0\.95" is false.*\n2 claims are false/,
  );
  fails(
    "A claim about {{claim 2c.nope > 1}} nothing.",
    /^report\/t\.md:1: bad claim \{\{claim 2c\.nope > 1\}\}: unknown number "2c\.nope"/,
  );
  fails("A claim {{claim 2c.steps >}} cut short.", /bad claim .*: the claim ends too early/);
});

test("captions quote numbers like the prose; an unknown one is named", () => {
  const withCaption = {
    ...collected,
    figures: new Map([
      ["fig-a", { ...collected.figures.get("fig-a")!, caption: "After {{2c.steps}} steps, lr {{runs.2c.learningRate}}." }],
    ]),
  };
  const r = renderReport(doc("See @fig-a.\n\n{{embed fig-a}}"), withCaption);
  assert.ok(r.sections.join("").includes("<strong>Figure 1:</strong> After 29 876 steps, lr 0.1.</figcaption>"));
  assert.is(r.captions.get("fig-a"), "After 29 876 steps, lr 0.1.");
  const bad = { ...collected, figures: new Map([["fig-a", { ...collected.figures.get("fig-a")!, caption: "After {{2c.nope}}." }]]) };
  assert.throws(() => renderReport(doc("{{embed fig-a}}"), bad), /fig-a's caption: unknown number "2c\.nope"/);
  const ref = (caption: string) => ({ ...collected, figures: new Map([["fig-a", { ...collected.figures.get("fig-a")!, caption }]]) });
  const both = renderReport(doc("{{embed tbl-b}}\n\n{{embed fig-a}}"), ref("Axes as in @tbl-b; this is @fig-a."));
  assert.is(both.captions.get("fig-a"), "Axes as in Table 1; this is Figure 1.", "a caption's @label is the number, as plain text");
  assert.throws(
    () => renderReport(doc("{{embed fig-a}}"), ref("As in @tbl-b.")),
    /fig-a's caption refers to @tbl-b, which the report does not embed/,
  );
});

test("warn mode (quick drafts) counts false claims without failing", () => {
  const r = renderReport(doc("It is better than 95 %{{claim 2c.valAccuracy > 0.95}}."), collected, { claims: "warn" });
  assert.equal(
    r.claims.map((c) => c.holds),
    [false],
  );
  assert.match(r.claims[0].failure!, /^report\/t\.md:1: claim "2c\.valAccuracy > 0\.95" is false/);
});

test("a sentence that compares results must carry a claim; other sentences need none", () => {
  fails(
    "One.\n\nIt is fine.\nThe baseline stops later than\nthe others. Another sentence.",
    /^report\/t\.md:4: a sentence compares results without a claim: "The baseline stops later than the others\."/,
  );
  fails("Accuracy {{2c.valAccuracy}} is higher than before.", /^report\/t\.md:1: a sentence compares results without a claim/);
  renderReport(
    doc("Accuracy {{2c.valAccuracy}} is higher than before{{claim 2c.valAccuracy > 0.9}}. A larger learning rate speeds up learning."),
    collected,
  );
  renderReport(doc("The run 2c reaches {{2c.valAccuracy}}."), collected);
});

test("raw HTML: a few bare inline tags and comments pass; script, event handlers and javascript: URLs fail, naming file and line", () => {
  const ok = renderReport(
    doc(
      "H<sub>2</sub>O, x<sup>2</sup>, a<br>b, <kbd>Ctrl</kbd>-C <!-- a note -->, [site](https://example.org), [top](#task-2c-something).",
    ),
    collected,
  );
  assert.ok(ok.sections.join("").includes("H<sub>2</sub>O"));
  fails("Intro.\n\n<script>alert(1)</script>", /^report\/t\.md:3: raw HTML <script> is not allowed in the report \(only <br>, <sub>/);
  fails("Intro.\n\nA <SCRIPT src=x></SCRIPT> tag.", /^report\/t\.md:3: raw HTML <SCRIPT> is not allowed/);
  fails("Intro.\nAn <img src=x onerror=alert(1)> image.", /^report\/t\.md:2: an event-handler attribute \(onerror=\) is not allowed/);
  fails('<div>\n<b onclick="x()">bold</b>\n</div>', /^report\/t\.md:1: raw HTML <div> is not allowed in the report: only <br>/);
  fails("A <b onmouseover=x()>b</b>.", /event-handler attribute \(onmouseover=\)/);
  fails('A <span class="x">y</span>.', /raw HTML <span class="x"> is not allowed/);
  fails("x <!-- a --!> <script>y</script> -->", /a malformed HTML comment/);
  fails(
    "One.\n\nTwo [click](javascript:alert(1)).",
    /^report\/t\.md:3: a javascript: URL is not allowed in the report: links may use http:, https:, mailto: or relative URLs$/,
  );
  fails("A [b](java&#115;cript:alert(1)) link.", /a javascript: URL is not allowed/);
  fails("A [b](JaVaScRiPt&colon;x) link.", /a javascript: URL is not allowed/);
  fails("A [b](&#x6A;ava&#9;script:1) link.", /a javascript: URL is not allowed/);
  fails("An <javascript:alert(2)> autolink.", /a javascript: URL is not allowed/);
  fails("A [page](data:text/html,x) link.", /a data: URL is not allowed in the report: links may use http:, https:, mailto:/);
  fails("A ![i](javascript:x) image.", /a javascript: URL is not allowed in the report: images may use http:, https:, mailto:, data:/);
  assert.ok(
    renderReport(doc("A ![dot](data:image/png;base64,iVBORw0KGgo=) image."), collected).sections.join("").includes('src="data:image/png'),
  );
  fails("A [g][ref] link.\n\n[ref]: javascript:alert(3)", /^report\/t\.md:1: a javascript: URL is not allowed/);
});

test.run();
