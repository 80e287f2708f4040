// The browser renders and does nothing else (src/report/browser.ts, html.ts): a listener on
// 127.0.0.1 (TCP and UDP) receives nothing while hostile documents are rendered and printed
// (figure JSON that tries to close its script, raw HTML, WebSocket, WebRTC with STUN and TURN
// servers on the listener, preconnect, a delayed fetch, frames, beacons); injected script does not
// run in the report's document; and Chromium does not outlive the process that started it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Browser, plotlySource } from "../../src/report/browser";
import { reportHtml } from "../../src/report/html";
import { REPORT_TASKS, renderReport } from "../../src/report/markdown";
import { printPdf, readPdf } from "../../src/report/pdf";
import type { Collected } from "../../src/report/results";
import type { RunConfig } from "../../src/mlp/config";
import { ROOT, processesWithEnv, waitUntil } from "../helpers";

/** Everything that reaches 127.0.0.1 on one TCP and one UDP port. */
async function listener() {
  const got: string[] = [];
  const tcp = createServer((s) => {
    got.push("tcp connection");
    s.on("data", (d) => got.push(`tcp ${d.toString("latin1").split("\r\n")[0]}`));
    s.on("error", () => undefined);
  });
  await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", () => r()));
  const udp = createSocket("udp4");
  udp.on("message", (m) => got.push(`udp ${m.length} bytes`));
  await new Promise<void>((r) => udp.bind(0, "127.0.0.1", () => r()));
  return {
    got,
    tcp: (tcp.address() as { port: number }).port,
    udp: udp.address().port,
    close: () => {
      tcp.close();
      udp.close();
    },
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Script that tries every channel out of the page to the listener. */
const attempts = (tcp: number, udp: number) => `
  try { new WebSocket("ws://127.0.0.1:${tcp}/ws"); } catch (e) {}
  try {
    const pc = new RTCPeerConnection({ iceServers: [{ urls: "stun:127.0.0.1:${udp}" },
      { urls: ["turn:127.0.0.1:${tcp}?transport=tcp", "turn:127.0.0.1:${udp}?transport=udp"], username: "u", credential: "p" }] });
    pc.createDataChannel("x");
    pc.createOffer().then((o) => pc.setLocalDescription(o));
  } catch (e) {}
  try { navigator.sendBeacon("http://127.0.0.1:${tcp}/beacon", "x"); } catch (e) {}
  try { new EventSource("http://127.0.0.1:${tcp}/events"); } catch (e) {}
  setTimeout(() => { fetch("http://127.0.0.1:${tcp}/late").catch(() => {}); new Image().src = "http://localhost:${tcp}/late.png"; }, 300);
`;

test("a hostile document reaches nothing: WebSocket, WebRTC (STUN, TURN over TCP and UDP), preconnect, frames, delayed fetch", async () => {
  const l = await listener();
  const browser = await Browser.launch();
  try {
    const html = `<!doctype html><html><head>
<link rel="preconnect" href="http://127.0.0.1:${l.tcp}"><link rel="dns-prefetch" href="http://example.com">
<link rel="stylesheet" href="http://127.0.0.1:${l.tcp}/style.css">
<style>@font-face { font-family: x; src: url(http://127.0.0.1:${l.tcp}/font.woff); } body { font-family: x; background: url(http://127.0.0.1:${l.tcp}/bg.png); }</style>
</head><body><p>hostile</p><iframe src="http://127.0.0.1:${l.tcp}/frame"></iframe><img src="http://127.0.0.1:${l.tcp}/img.png">
<script>${attempts(l.tcp, l.udp)}
setTimeout(() => document.documentElement.setAttribute("data-ready", "1"), 1200);</script></body></html>`;
    const refused: string[] = [];
    try {
      await printPdf(browser, html);
    } catch (e) {
      refused.push((e as Error).message);
    }
    assert.match(
      refused[0] ?? "",
      /^the report asks for http:\/\/127\.0\.0\.1:\d+\/.*: it must not need the network or other files$/,
      "printing fails on a document that asks for anything",
    );
    // A page kept open for a while: the delayed attempts too.
    const page = await browser.page();
    await page.setContent(
      `<!doctype html><link rel="preconnect" href="http://127.0.0.1:${l.tcp}"><script>${attempts(l.tcp, l.udp)}</script>`,
    );
    await pause(1500);
    await page.close();
  } finally {
    await browser.close();
  }
  await pause(300);
  l.close();
  assert.equal(l.got, [], "the listener received nothing");
});

test("figure JSON is data: a </script> in a title or trace name runs nothing and reaches nothing", async () => {
  const l = await listener();
  const browser = await Browser.launch();
  const refused: string[] = [];
  let png: Uint8Array;
  try {
    const evil = `</script><script>fetch("http://127.0.0.1:${l.tcp}/figure");${attempts(l.tcp, l.udp)}</script>`;
    png = await browser.figurePng(
      {
        data: [{ type: "scatter", x: [0, 1], y: [1, 0], name: evil }],
        layout: {
          title: { text: evil },
          width: 400,
          height: 300,
          annotations: [{ text: `"]});fetch("http://127.0.0.1:${l.tcp}/json")//` }],
        },
      },
      refused,
    );
    await pause(500);
  } finally {
    await browser.close();
  }
  l.close();
  assert.equal([png[1], png[2], png[3]], [0x50, 0x4e, 0x47], "a PNG");
  assert.equal(refused, [], "no request was even attempted: the injected script never ran");
  assert.equal(l.got, []);
});

const fig = { data: [{ type: "scatter", x: [0, 1], y: [1, 0], name: "train loss" }], layout: { width: 600, height: 300 } };
const evil = (port: number) =>
  `</script><script>fetch("http://127.0.0.1:${port}/x")</script><img src=x onerror="fetch('http://127.0.0.1:${port}/y')">`;

test("the report's document: notebook outputs are escaped, and its policy stops any script but its own", async () => {
  const l = await listener();
  const collected: Collected = {
    notebooks: ["task2.ipynb"],
    figures: new Map([
      [
        "fig-a",
        {
          label: "fig-a",
          caption: `Curves ${evil(l.tcp)}`,
          notebook: "task2.ipynb",
          figure: { ...fig, data: [{ ...fig.data[0], name: evil(l.tcp) }], layout: { ...fig.layout, title: { text: evil(l.tcp) } } },
        },
      ],
    ]),
    tables: new Map([
      [
        "tbl-b",
        {
          label: "tbl-b",
          caption: evil(l.tcp),
          notebook: "task2.ipynb",
          table: { columns: ["run", evil(l.tcp)], rows: [["2c", evil(l.tcp)]], values: [["2c", null]] },
        },
      ],
    ]),
    numbers: new Map(),
    runs: new Map([["2c", { id: "2c" } as unknown as RunConfig]]),
    params: {},
    seedStudy: null,
  };
  const md = `# Title\n\n{{embed fig-a}}\n\n{{embed tbl-b}}\n\n${REPORT_TASKS.map((t) => `## Task ${t}: x\n\nText.\n`).join("\n")}`;
  const rendered = renderReport([{ name: "report/a.md", text: md }], collected);
  const meta = { title: "T", course: "C", assignment: "A", authors: [evil(l.tcp)], date: "d" };
  const html = reportHtml({ rendered, collected, resultsJson: JSON.stringify({ note: evil(l.tcp) }), plotlyJs: plotlySource(), meta });
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+'; /);
  // As if an escape had failed: a script and an event handler slipped into the document.
  const holed = html.replace(
    "</body>",
    `<script>fetch("http://127.0.0.1:${l.tcp}/hole")</script><img src="data:," onerror="fetch('http://127.0.0.1:${l.tcp}/h2')"></body>`,
  );
  const browser = await Browser.launch();
  let pdf: Uint8Array;
  try {
    pdf = await printPdf(browser, holed);
  } finally {
    await browser.close();
  }
  l.close();
  assert.equal(l.got, []);
  const text = (await readPdf(pdf, "report")).pages.join("\n");
  assert.ok(text.includes(`fetch("http://127.0.0.1:${l.tcp}/x")`), "the hostile caption shows as text");
  assert.ok(text.includes("Figure 1: Curves"), "the document still draws and prints");
});

test("Chromium does not outlive its process: SIGKILL of the parent; SIGTERM stops it and removes its profile", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "browser-kill-"));
  const script = join(tmp, "hold.mts");
  writeFileSync(
    script,
    `import { Browser } from ${JSON.stringify(join(ROOT, "src/report/browser.ts"))};
import { runMain } from ${JSON.stringify(join(ROOT, "scripts/lib/cli.ts"))};
await runMain(async () => { await Browser.launch(); console.log("ready"); await new Promise(() => {}); });
`,
  );
  for (const signal of ["SIGKILL", "SIGTERM"] as const) {
    const tag = `browser-${signal}-${process.pid}`;
    const profiles = mkdtempSync(join(tmp, "t-"));
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: ROOT,
      env: { ...process.env, A2_TEST_TAG: tag, TMPDIR: profiles },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "",
      err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (code, sig) => r(code ?? (sig ? -1 : null))));
    let code: number | null;
    try {
      assert.ok(await waitUntil(() => out.includes("ready"), 30000), `the browser started: ${err}`);
      assert.ok(processesWithEnv("A2_TEST_TAG", tag).length >= 2, "Chromium runs");
      child.kill(signal);
      code = await exited;
      assert.ok(
        await waitUntil(() => processesWithEnv("A2_TEST_TAG", tag).length === 0, 5000),
        `after ${signal}, no Chromium process is left: ${processesWithEnv("A2_TEST_TAG", tag).join(" ")}`,
      );
    } finally {
      for (const pid of processesWithEnv("A2_TEST_TAG", tag)) process.kill(pid, "SIGKILL");
    }
    if (signal === "SIGTERM") {
      assert.is(code, 143);
      assert.match(err, /^stopped \(SIGTERM\)\n$/);
      assert.equal(
        readdirSync(profiles).filter((f) => !f.startsWith("tsx-")),
        [],
        "its profile and temporary files are removed",
      );
    }
  }
});

test.run();
