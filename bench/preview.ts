// npm run bench -- --only preview: the live preview's save-to-repaint time, in real Chromium.
// `npm run preview` runs as its own process on a copy of report/ (the latest executed notebooks,
// full if present, else quick); the page is open in headless Chromium; each edit rewrites one line
// of the largest section's markdown file (the one whose rendered section is largest) and is timed
// from just before the write to the end of the frame that shows it (the page script's
// window.__a2preview.paintedAt; the page and this process share the system clock).

import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { InputError } from "../src/base/errors";
import { packageRoot } from "../src/base/paths";
import { localClientFlags, chromiumPath } from "../src/report/browser";
import { executedSet } from "../src/preview/notebooks";

export interface PreviewBench {
  /** The markdown file edited. */
  readonly file: string;
  /** Seconds from the write to the repaint, one per edit. */
  readonly samples: readonly number[];
  /** Seconds from the write to the update's arrival in the page (watch, render, send). */
  readonly server: readonly number[];
  readonly median: number;
  readonly worst: number;
}

/** What the page script records when a render is on screen. */
interface Painted {
  readonly version: number;
  readonly receivedAt: number;
  readonly paintedAt: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export interface RunningPreview {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, and wait for it to exit. */
  stop(): Promise<number | null>;
}

/** Start `scripts/preview.ts ARGS` on any free port; resolves once it listens. */
export function startPreview(args: readonly string[]): Promise<RunningPreview> {
  const root = packageRoot();
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "scripts", "preview.ts"), "--port", "0", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const read = (d: Buffer) => {
      out += d.toString();
      const m = /\[preview\] (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        resolve({
          child,
          url: m[1],
          output: () => out,
          stop: () => {
            if (!child.killed && child.exitCode === null) child.kill("SIGTERM");
            return exited;
          },
        });
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    void exited.then((code) => reject(new Error(`the preview exited (${code}) before it listened:\n${out}`)));
  });
}

/**
 * The line an edit appends to: the first line of a paragraph's prose (outside display math; not a
 * heading, table, list or directive). Inline math never spans lines, so text after it is prose.
 */
function proseLine(lines: readonly string[]): number {
  let math = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if ((l.match(/\$\$/g) ?? []).length % 2 === 1) math = !math;
    else if (!math && /^[A-Z][a-z]/.test(l) && !/\{\{|\||\\$/.test(l)) return i;
  }
  throw new InputError("no line of plain prose to edit in the largest section");
}

export async function benchPreview(o: { edits?: number; pauseMs?: number } = {}): Promise<PreviewBench> {
  const edits = o.edits ?? 20;
  const root = packageRoot();
  if (!executedSet(root).dir) throw new InputError("no executed notebooks to preview: run npm run notebooks -- --quick first");
  const dir = mkdtempSync(join(tmpdir(), "a2-bench-preview-"));
  const reportDir = join(dir, "report");
  cpSync(join(root, "report"), reportDir, { recursive: true, filter: (s) => !/[/\\]out(-quick)?$/.test(s) });
  let preview: RunningPreview | null = null;
  const browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: localClientFlags() });
  try {
    preview = await startPreview(["--report-dir", reportDir]);
    const page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 900 });
    await page.goto(preview.url, { waitUntil: "load" });
    await page.waitForFunction(
      "(document.documentElement.hasAttribute('data-ready') && window.__a2preview) || document.documentElement.hasAttribute('data-preview-error')",
      { timeout: 60000 },
    );
    const error = (await page.evaluate(
      "document.documentElement.hasAttribute('data-preview-error') ? document.getElementById('a2-overlay-message').textContent.split('\\n')[0] : null",
    )) as string | null;
    if (error) throw new InputError(`the preview shows an error, not the report: ${error}`);
    // The largest section, and the markdown file it comes from (sections follow the title file, in name order).
    const sizes = (await page.evaluate(
      `Array.from(document.querySelectorAll("section[data-part]")).map((s) => s.innerHTML.length)`,
    )) as number[];
    const largest = sizes.indexOf(Math.max(...sizes));
    const file = readdirSync(reportDir)
      .filter((f) => f.endsWith(".md"))
      .sort()[largest + 1];
    const path = join(reportDir, file);
    const text = readFileSync(path, "utf8");
    const lines = text.split("\n");
    const at = proseLine(lines);
    await page.evaluate(`window.scrollTo(0, document.querySelector('section[data-part="section-${largest}"]').offsetTop)`);
    const samples: number[] = [],
      server: number[] = [];
    for (let k = 0; k < edits; k++) {
      const version = (await page.evaluate("window.__a2preview.version")) as number;
      const marker = `edit-${k}-${Date.now().toString(36)}`;
      const edited = lines.map((l, i) => (i === at ? `${l} (${marker})` : l)).join("\n");
      const t0 = Date.now();
      writeFileSync(path, edited);
      // __a2preview moves on after the frame that shows the update.
      await page.waitForFunction(
        `window.__a2preview.version > ${version} && document.body.textContent.includes(${JSON.stringify(marker)})`,
        { polling: "raf", timeout: 10000 },
      );
      const p = (await page.evaluate("window.__a2preview")) as Painted;
      samples.push((p.paintedAt - t0) / 1000);
      server.push((p.receivedAt - t0) / 1000);
      await new Promise((r) => setTimeout(r, o.pauseMs ?? 150));
    }
    return { file, samples, server, median: median(samples), worst: Math.max(...samples) };
  } finally {
    await browser.close();
    await preview?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
