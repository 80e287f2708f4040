// The preview server in-process on stand-in executed notebooks: the page, its guards (Host, POST
// header, 127.0.0.1 only), and the events a page receives as report files are saved: an update
// with only the edited section, an error naming file and line while the last render stays, the
// error cleared when the file is fixed. Real Chromium is test/e2e/preview.test.ts.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { type IncomingMessage, request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MIME } from "../../src/contract/contract";
import { REPORT_TASKS } from "../../src/report/markdown";
import { PreviewServer } from "../../src/preview/server";
import type { Update } from "../../src/preview/parts";

const dir = mkdtempSync(join(tmpdir(), "preview-server-"));
const nbDir = join(dir, "nb"),
  reportDir = join(dir, "report");
mkdirSync(nbDir);
mkdirSync(reportDir);

/** An executed notebook as the executor writes it: a figure, a table and a number, or nothing. */
function executed(withOutputs: boolean) {
  const fig = { data: [{ type: "scatter", x: [0, 1], y: [1, 0], name: "loss" }], layout: { width: 900, height: 400 } };
  const cell = (source: string, data: Record<string, unknown>) => ({
    cell_type: "code",
    metadata: {},
    source,
    execution_count: 1,
    outputs: [{ output_type: "display_data", metadata: {}, data }],
  });
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { a2report: { cacheKey: "k", params: { quick: true } } },
    cells: withOutputs
      ? [
          cell("//| label: fig-a\n//| caption: The curves.\nshow()", { [MIME.plotly]: fig, "text/plain": "fig" }),
          cell("//| label: tbl-b\n//| caption: Metrics.\nshow()", {
            [MIME.table]: { columns: ["run", "acc"], rows: [["2c", "91.520 %"]], values: [["2c", 0.9152]], caption: null },
          }),
          cell("record()", { [MIME.result]: [{ task: "2c", name: "valAccuracy", value: 0.9152, format: "percent" }] }),
        ]
      : [],
  };
}
for (const n of ["task2", "task3", "task4"]) writeFileSync(join(nbDir, `${n}.ipynb`), JSON.stringify(executed(n === "task2")));

const headings = REPORT_TASKS.map((t) => `## Task ${t}: part ${t}\n\nText of ${t}.\n`).join("\n");
const files = {
  "00-title.md": "# The title\n\nIntro.\n",
  "01-body.md": `# Tasks\n\nAccuracy {{2c.valAccuracy}}, see @fig-a; $x^2$.\n\n{{embed fig-a}}\n\n{{embed tbl-b}}\n\n${headings}`,
  "02-more.md": "# More\n\nA paragraph with $\\frac{1}{2}$.\n",
  "meta.yaml": "title: The title\ncourse: C\nassignment: A\nauthors: [Kari]\ndate: today\n",
};
for (const [f, t] of Object.entries(files)) writeFileSync(join(reportDir, f), t);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

interface Reply {
  status: number;
  headers: IncomingMessage["headers"];
  body: string;
}

function fetchIt(url: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? "GET", headers: o.headers }, (res) => {
      let body = "";
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(o.body);
  });
}

/** A page's event stream: next(name) resolves with the next event of that name. */
function events(url: string) {
  const queue: { event: string; data: unknown }[] = [];
  const waiting: (() => void)[] = [];
  let buffer = "";
  let response: IncomingMessage | null = null;
  request(url + "events", (res) => {
    response = res;
    res.on("data", (d: Buffer) => {
      buffer += d.toString();
      let at: number;
      while ((at = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data !== undefined) queue.push({ event, data: JSON.parse(data) });
        waiting.splice(0).forEach((w) => w());
      }
    });
  }).end();
  return {
    async next<T>(name: string, timeoutMs = 15000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = queue.findIndex((e) => e.event === name);
        if (i >= 0) return queue.splice(i, 1)[0].data as T;
        if (Date.now() > deadline) throw new Error(`no "${name}" event; got ${queue.map((e) => e.event).join(", ")}`);
        await new Promise<void>((r) => {
          waiting.push(r);
          setTimeout(r, 200);
        });
      }
    },
    close: () => response?.destroy(),
  };
}

let server: PreviewServer;

test.before(async () => {
  server = await PreviewServer.start({ port: 0, reportDir, notebooksDir: nbDir, quick: true, log: () => undefined });
});
test.after(async () => {
  await server.close();
});

test("the page: the report, its preview furniture and a policy that lets it reach only this server", async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const r = await fetchIt(server.url);
  assert.is(r.status, 200);
  assert.match(String(r.headers["content-security-policy"]), /default-src 'none'; script-src 'self';.*connect-src 'self'/);
  assert.ok(r.body.includes('<meta name="viewport"') && r.body.includes('data-part="section-0"') && r.body.includes("91.520 %"));
  assert.ok(r.body.includes('id="a2-overlay"') && r.body.includes('<script src="/assets/preview.js">'));
  const state = JSON.parse(/<script type="application\/json" id="preview-state">(.*?)<\/script>/.exec(r.body)![1]);
  assert.is(state.keys.sections.length, 2);
  assert.equal(
    state.notebooks.notebooks.map((n: { name: string; stale: boolean }) => [n.name, n.stale]),
    [
      ["task2.ipynb", true],
      ["task3.ipynb", true],
      ["task4.ipynb", true],
    ],
    "the stand-ins' code is not the notebooks'",
  );
  assert.match(state.notebooks.notebooks[0].command, /^npm run notebooks -- --quick --out \S+nb notebooks\/task2\.ipynb$/);
  for (const a of ["/assets/preview.js", "/assets/draw.js", "/assets/plotly.js", "/assets/preview.css"]) {
    assert.is((await fetchIt(server.url + a.slice(1))).status, 200, a);
  }
  assert.is((await fetchIt(server.url + "nothing")).status, 404);
});

test("requests naming another host, and posts without the page's header, are refused", async () => {
  assert.is((await fetchIt(server.url, { headers: { Host: "evil.example" } })).status, 403);
  assert.is((await fetchIt(server.url, { headers: { Host: `attacker.example:${server.port}` } })).status, 403);
  const post = (headers: Record<string, string>) =>
    fetchIt(server.url + "api/execute", { method: "POST", headers, body: '{"notebook":"task2.ipynb"}' });
  assert.is((await post({ "Content-Type": "text/plain" })).status, 403, "a cross-site form post");
  assert.is((await post({ "X-A2-Preview": "1", Origin: "http://evil.example" })).status, 403);
  const bad = await fetchIt(server.url + "api/execute", { method: "POST", headers: { "X-A2-Preview": "1" }, body: '{"notebook":"../x"}' });
  assert.is(bad.status, 400);
  assert.match(JSON.parse(bad.body).error, /unknown notebook "\.\.\/x": expected one of task2\.ipynb, task3\.ipynb, task4\.ipynb/);
});

test("it listens on 127.0.0.1 alone, and on the next port when its port is taken", async () => {
  const other = await fetchIt(`http://localhost:${server.port}/`).catch(() => null);
  assert.ok(other === null || other.status === 200, "localhost may resolve to 127.0.0.1");
  const port = await freePort();
  const blocker = createServer().listen(port, "127.0.0.1");
  await new Promise((r) => blocker.once("listening", r));
  const second = await PreviewServer.start({ port, reportDir, notebooksDir: nbDir, quick: true, log: () => undefined });
  try {
    // The next free one: port + 1 unless something else holds that too.
    assert.ok(second.port > port && second.port <= port + 20, `${second.port} after ${port}`);
  } finally {
    await second.close();
    blocker.close();
  }
});

test("a saved edit sends only its section; bad TeX sends an error naming file and line; fixing it clears the error", async () => {
  const page = events(server.url);
  try {
    const hello = await page.next<{ keys: { sections: string[] }; error: unknown }>("hello");
    assert.is(hello.error, null);
    const path = join(reportDir, "02-more.md");
    writeFileSync(path, "# More\n\nA paragraph, edited, with $\\frac{1}{2}$.\n");
    const u = await page.next<Update>("update");
    assert.equal(Object.keys(u.sections), ["1"]);
    assert.match(u.sections[1], /A paragraph, edited, with <span class="math inline">/);
    assert.is(u.keys.sections[0], hello.keys.sections[0]);
    assert.is(u.css, undefined);

    writeFileSync(path, "# More\n\nLine two.\n\nBroken $\\frac{1}{$ here.\n");
    const err = await page.next<{ message: string; file: string; line: number }>("error-state");
    assert.is(err.file, path);
    assert.is(err.line, 5);
    assert.match(err.message, /bad TeX in \$\\frac\{1\}\{\$: Missing close brace/);
    const last = await fetchIt(server.url + "parts");
    assert.match(JSON.parse(last.body).sections[1], /A paragraph, edited/, "the last good render stays");

    writeFileSync(path, "# More\n\nFixed.\n");
    assert.is(await page.next("error-state"), null);
    assert.match((await page.next<Update>("update")).sections[1], /Fixed\./);
    assert.match(readFileSync(path, "utf8"), /Fixed/);
  } finally {
    page.close();
  }
});

test("an unknown number names its file and line too, and the server goes on", async () => {
  const page = events(server.url);
  try {
    await page.next("hello");
    const path = join(reportDir, "02-more.md");
    writeFileSync(path, "# More\n\nSee {{2c.nothing}}.\n");
    const err = await page.next<{ message: string; file: string; line: number }>("error-state");
    assert.equal([err.file, err.line], [path, 3]);
    assert.match(err.message, /unknown number "2c\.nothing"/);
    writeFileSync(path, "# More\n\nBack.\n");
    assert.is(await page.next("error-state"), null);
    assert.is((await fetchIt(server.url)).status, 200);
  } finally {
    page.close();
  }
});

test("a change no watcher reports is still rendered, within a second or so", async () => {
  // The watcher silenced, and the check that follows the last event done: only the server's own
  // check of the files' sizes and times, every second, remains.
  await (server as unknown as { watcher: { close(): Promise<void> } }).watcher.close();
  await new Promise((r) => setTimeout(r, 300));
  const page = events(server.url);
  try {
    await page.next("hello");
    writeFileSync(join(reportDir, "02-more.md"), "# More\n\nSeen without an event.\n");
    const t = Date.now();
    assert.match((await page.next<Update>("update", 5000)).sections[1], /Seen without an event/);
    assert.ok(Date.now() - t < 3000, `${Date.now() - t} ms`);
  } finally {
    page.close();
  }
});

test("with no executed notebooks the page says so and offers the quick ones; when they appear it shows the report", async () => {
  const empty = join(dir, "empty");
  mkdirSync(empty);
  const other = await PreviewServer.start({ port: 0, reportDir, notebooksDir: empty, quick: true, log: () => undefined });
  try {
    const r = await fetchIt(other.url);
    assert.match(r.body, /No executed notebooks yet/);
    assert.match(r.body, /<code>npm run notebooks -- --quick --out \S+empty<\/code>/);
    assert.match(r.body, /<button id="a2-run-quick">Run the quick notebooks<\/button>/);
    assert.is((await fetchIt(other.url + "report.pdf")).status, 503);
    const page = events(other.url);
    try {
      assert.is((await page.next<{ keys: unknown }>("hello")).keys, null);
      for (const n of ["task2", "task3", "task4"]) writeFileSync(join(empty, `${n}.ipynb`), readFileSync(join(nbDir, `${n}.ipynb`)));
      const u = await page.next<Update>("update");
      assert.equal(Object.keys(u.sections), ["0", "1"], "everything, to a page that had nothing");
    } finally {
      page.close();
    }
    assert.match((await fetchIt(other.url)).body, /data-part="section-1"/);
  } finally {
    await other.close();
  }
});

test.run();
