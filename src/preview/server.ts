// The live preview server (npm run preview): the report as HTML from the latest executed notebooks
// and report/*.md, on 127.0.0.1 only. It watches the markdown, the executed notebooks, the
// notebooks' sources and the document's templates (chokidar); on a change it renders again
// (formulas come from a TeX cache, so a render costs milliseconds) and pushes the parts that
// changed to every page over server-sent events. chokidar drops a file's change that follows the
// previous one within 50 ms, so each change is followed by a check of the files' sizes and times
// a little later, which renders again when they moved since the last render; the same check runs
// every second, for any change a watcher missed. A failed render (bad TeX, an unknown {{…}} or @label, any InputError)
// is pushed as an error naming file and line, and the pages keep the last good render. /report.pdf
// prints the render the pages show. Nothing a request or an edit does can stop the server.
//
// Routes: GET / (the page), /events (SSE), /parts (the whole render, for a page out of step),
// /report.pdf, /assets/{plotly,draw,preview}.js and preview.css; POST /api/execute (re-execute a
// notebook, or the quick ones when none exist). Requests must name this server as their Host
// (no DNS rebinding); POSTs must carry X-A2-Preview (no cross-site form posts).
//
// May import: base, mlp, contract, notebook, report.

import { readFileSync, readdirSync } from "node:fs";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { basename, join, relative } from "node:path";
import chokidar, { type FSWatcher } from "chokidar";
import { InputError } from "../base/errors";
import { packageRoot } from "../base/paths";
import { Browser, plotlySource } from "../report/browser";
import { type DocumentParts, documentParts, template, templatesDir } from "../report/html";
import type { SourceFile } from "../report/markdown";
import { readMeta } from "../report/meta";
import { type ReportDocument, printReport, reportDocument, reportSources } from "../report/pipeline";
import { type Collected, collect } from "../report/results";
import { type TexCache, texCache } from "../report/tex";
import { type ExecutedSet, NotebookRunner, executedDirs, executedSet, filesStamp, notebooksCommand, taskNotebooks } from "./notebooks";
import { type NotebookView, type PageState, previewPage } from "./page";
import { type PartKeys, type Update, errorPlace, updateFrom } from "./parts";

export const DEFAULT_PORT = 4265;
/** Ports tried after a taken one. */
const PORT_TRIES = 20;

export interface PreviewOptions {
  /** Default 4265, the next free one when taken; 0: any free port. */
  readonly port?: number;
  /** The markdown folder (default report/). */
  readonly reportDir?: string;
  /** The executed notebooks to show (default: build/notebooks when complete, else build/notebooks-quick). */
  readonly notebooksDir?: string;
  /** Prefer (or, with notebooksDir, declare) the quick notebooks. */
  readonly quick?: boolean;
  readonly dataDir?: string;
  readonly log?: (line: string) => void;
}

interface Snapshot {
  readonly version: number;
  readonly parts: DocumentParts;
  readonly keys: PartKeys;
  readonly doc: ReportDocument;
}

/** A render's failure as the page shows it. */
type PreviewError = PageState["error"];

const ASSETS: Record<string, string> = {
  "/assets/preview.js": "application/javascript; charset=utf-8",
  "/assets/draw.js": "application/javascript; charset=utf-8",
  "/assets/plotly.js": "application/javascript; charset=utf-8",
  "/assets/preview.css": "text/css; charset=utf-8",
};

/** The page may run its own scripts and talk to this server, and reach nothing else. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; connect-src 'self'; frame-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export class PreviewServer {
  private readonly root = packageRoot();
  private readonly reportDir: string;
  private readonly tex: TexCache = texCache();
  private readonly clients = new Set<ServerResponse>();
  private readonly runner: NotebookRunner;
  private watcher: FSWatcher | null = null;
  private browser: Promise<Browser> | null = null;
  private pdf: { version: number; bytes: Promise<Uint8Array> } | null = null;
  private snapshot: Snapshot | null = null;
  private error: PreviewError = null;
  private set: ExecutedSet;
  private collected: { stamp: string; value: Collected } | null = null;
  private version = 0;
  private queue: Promise<void> = Promise.resolve();
  private dirty: { notebooks: boolean } | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private trailing: NodeJS.Timeout | null = null;
  /** The sources' and executed notebooks' stamps as the last render read them. */
  private rendered = { sources: "", notebooks: "" };
  private heartbeat: NodeJS.Timeout | null = null;
  private poll: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly log: (line: string) => void;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly o: PreviewOptions,
  ) {
    this.log = o.log ?? ((l) => console.log(l));
    this.reportDir = o.reportDir ?? join(this.root, "report");
    this.set = this.executed();
    this.runner = new NotebookRunner(this.root, {
      onLine: (line) => {
        this.log(line);
        this.send("log", line);
      },
      onExit: (code) => {
        const line = code === 0 ? "[exit] done" : `[exit] failed (exit ${code ?? "signal"})`;
        this.log(line);
        this.send("log", line);
        this.send("notebooks", this.notebookView());
        this.changed(true);
      },
    });
  }

  /** Listen on 127.0.0.1, render once, watch. */
  static async start(o: PreviewOptions = {}): Promise<PreviewServer> {
    const want = o.port ?? DEFAULT_PORT;
    let self: PreviewServer | null = null;
    const server = createServer((req, res) => {
      if (self) self.handle(req, res);
      else res.writeHead(503).end();
    });
    let port = want;
    for (let i = 0; ; i++) {
      try {
        port = await listen(server, want === 0 ? 0 : want + i);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE" || want === 0 || i + 1 >= PORT_TRIES) {
          throw new InputError(`port ${want + i}: ${(e as Error).message}`);
        }
      }
    }
    self = new PreviewServer(server, port, o);
    await self.render({ notebooks: true });
    await self.watch();
    self.heartbeat = setInterval(() => self!.clients.forEach((c) => c.write(": ping\n\n")), 15000);
    self.poll = setInterval(() => self!.recheck(), 1000);
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.debounce) clearTimeout(this.debounce);
    if (this.trailing) clearTimeout(this.trailing);
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.poll) clearInterval(this.poll);
    for (const c of this.clients) c.end();
    this.clients.clear();
    await Promise.allSettled([
      this.watcher?.close(),
      this.runner.stop(),
      this.browser?.then((b) => b.close()),
      new Promise<void>((resolve) => this.server.close(() => resolve())),
    ]);
    this.server.closeAllConnections();
  }

  // ---- rendering ------------------------------------------------------------------------------

  private executed(): ExecutedSet {
    return executedSet(this.root, { dir: this.o.notebooksDir, quick: this.o.quick, dataDir: this.o.dataDir });
  }

  private notebookView(): NotebookView {
    return {
      mode: this.set.mode,
      notebooks: this.set.notebooks,
      running: this.runner.running,
      quickCommand: notebooksCommand(this.root, "quick", this.o.notebooksDir ?? executedDirs(this.root).quick, [], this.o.dataDir),
    };
  }

  /** Something changed: render again soon (events within a few milliseconds make one render). */
  private changed(notebooks: boolean): void {
    if (this.closed) return;
    this.dirty = { notebooks: (this.dirty?.notebooks ?? false) || notebooks };
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      const what = this.dirty!;
      this.dirty = null;
      void this.render(what);
    }, 8);
    if (this.trailing) clearTimeout(this.trailing);
    this.trailing = setTimeout(() => {
      this.trailing = null;
      this.recheck();
    }, 80);
  }

  /** Render again when the files moved since the last render read them (a change no event told of). */
  private recheck(): void {
    if (this.closed || this.debounce) return;
    const notebooks = filesStamp(this.set.paths) !== this.rendered.notebooks;
    if (notebooks || this.sourcesStamp() !== this.rendered.sources) this.changed(notebooks);
  }

  /** The markdown files' and templates' sizes and times. */
  private sourcesStamp(): string {
    const list = (dir: string, ext: RegExp) => {
      try {
        return readdirSync(dir)
          .filter((f) => ext.test(f))
          .sort()
          .map((f) => join(dir, f));
      } catch {
        return [];
      }
    };
    return filesStamp([...list(this.reportDir, /\.md$/), ...list(templatesDir(), /\.(css|js)$/)]);
  }

  /** Renders run one at a time, in order. */
  private render(what: { notebooks: boolean }): Promise<void> {
    this.queue = this.queue.then(() => this.renderNow(what)).catch((e) => this.log(`[bug] ${(e as Error).stack ?? e}`));
    return this.queue;
  }

  private async renderNow(what: { notebooks: boolean }): Promise<void> {
    if (this.closed) return;
    const t0 = performance.now();
    if (what.notebooks) {
      const before = JSON.stringify(this.notebookView());
      this.set = this.executed();
      if (JSON.stringify(this.notebookView()) !== before) this.send("notebooks", this.notebookView());
    }
    if (!this.set.dir) {
      if (this.snapshot) this.send("reload", null);
      this.snapshot = null;
      return;
    }
    let sources: SourceFile[] = [];
    this.rendered = { sources: this.sourcesStamp(), notebooks: filesStamp(this.set.paths) };
    try {
      const stamp = this.rendered.notebooks;
      if (this.collected?.stamp !== stamp) this.collected = { stamp, value: collect(this.set.paths) };
      sources = reportSources(this.reportDir);
      const meta = readMeta(join(this.reportDir, "meta.yaml"));
      // A draft: a false claim is an overlay like any error, but quick notebooks' numbers are not the prose's.
      const doc = reportDocument(sources, this.collected.value, meta, {
        dataDir: this.o.dataDir,
        tex: this.tex,
        claims: this.set.mode === "quick" ? "warn" : "strict",
      });
      const parts = documentParts(doc.input);
      const update = updateFrom(this.snapshot?.keys ?? null, parts, ++this.version);
      this.snapshot = { version: update.version, parts, keys: update.keys, doc };
      this.send("update", update);
      const ms = performance.now() - t0;
      this.log(`[update] ${describe(update)} (${ms.toFixed(0)} ms)`);
      if (this.error) {
        this.error = null;
        this.send("error-state", null);
      }
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      // An editor may still be writing the file: publish the error only if the sources hold still.
      await new Promise((r) => setTimeout(r, 40));
      if (this.dirty || this.sourcesMoved(sources)) return;
      const place = errorPlace(e.message);
      this.error = { message: e.message, ...place };
      this.log(`[error] ${e.message.split("\n")[0]}`);
      this.send("error-state", this.error);
    }
  }

  private sourcesMoved(sources: readonly SourceFile[]): boolean {
    try {
      const now = reportSources(this.reportDir);
      return JSON.stringify(now) !== JSON.stringify(sources);
    } catch {
      return false;
    }
  }

  private async watch(): Promise<void> {
    const dirs = executedDirs(this.root);
    const watched = [
      this.reportDir,
      join(this.root, "notebooks"),
      templatesDir(),
      join(this.root, "build"),
      ...(this.o.notebooksDir ? [this.o.notebooksDir] : []),
    ];
    const build = join(this.root, "build");
    const executedFolder = (p: string) => [dirs.full, dirs.quick, this.o.notebooksDir].includes(p);
    const ignored = (p: string) => {
      // Under build/, only the folders of executed notebooks and their notebooks.
      if (p === build || !p.startsWith(build + "/")) return false;
      return !(executedFolder(p) || (p.endsWith(".ipynb") && executedFolder(join(p, ".."))));
    };
    this.watcher = chokidar.watch(watched, { ignoreInitial: true, followSymlinks: false, depth: 1, ignored });
    this.watcher.on("all", (_event, path) => {
      if (path.endsWith(".md") || path.endsWith("meta.yaml") || path.startsWith(templatesDir())) {
        if (path.endsWith("draw.js")) this.send("reload", null);
        this.changed(false);
      } else if (path.endsWith(".ipynb") || executedFolder(path)) {
        this.changed(true);
      }
    });
    this.watcher.on("error", (e) => this.log(`[watch] ${(e as Error).message}`));
    await new Promise<void>((resolve) => this.watcher!.once("ready", () => resolve()));
  }

  // ---- serving --------------------------------------------------------------------------------

  private pageState(): PageState {
    return { version: this.snapshot?.version ?? 0, keys: this.snapshot?.keys ?? null, error: this.error, notebooks: this.notebookView() };
  }

  private send(event: string, data: unknown): void {
    const msg = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of this.clients) c.write(msg);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "no-store");
    const host = req.headers.host ?? "";
    if (host !== `127.0.0.1:${this.port}` && host !== `localhost:${this.port}`) {
      res.writeHead(403, { "Content-Type": "text/plain" }).end(`unexpected Host ${JSON.stringify(host)}\n`);
      return;
    }
    const path = new URL(req.url ?? "/", this.url).pathname;
    const fail = (status: number, message: string) => {
      if (!res.headersSent) res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(message + "\n");
    };
    try {
      if (req.method === "POST" && path === "/api/execute")
        return void this.execute(req, res).catch((e) => fail(500, (e as Error).message));
      if (req.method !== "GET" && req.method !== "HEAD") return fail(405, `${req.method} is not allowed here`);
      if (path === "/") {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CSP });
        return void res.end(previewPage(this.snapshot?.parts ?? null, this.pageState()));
      }
      if (path === "/events") return this.events(req, res);
      if (path === "/favicon.ico") return void res.writeHead(204).end();
      if (path === "/parts") {
        const s = this.snapshot;
        res.writeHead(200, { "Content-Type": "application/json" });
        return void res.end(JSON.stringify(s ? { version: s.version, keys: s.keys, ...s.parts } : { keys: null }));
      }
      if (path === "/report.pdf") return void this.servePdf(res).catch((e) => fail(500, `printing failed: ${(e as Error).message}`));
      if (path in ASSETS) {
        res.writeHead(200, { "Content-Type": ASSETS[path] });
        return void res.end(this.asset(path));
      }
      fail(404, `${path}: not found`);
    } catch (e) {
      this.log(`[bug] ${req.method} ${path}: ${(e as Error).stack ?? e}`);
      fail(500, (e as Error).message);
    }
  }

  private asset(path: string): string {
    const name = basename(path);
    if (name === "plotly.js") return plotlySource();
    if (name === "draw.js") return template("draw.js");
    return readFileSync(join(this.root, "src", "preview", name === "preview.js" ? "client.js" : "client.css"), "utf8");
  }

  private events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { "Content-Type": "text/event-stream", Connection: "keep-alive" });
    res.write(`event: hello\ndata: ${JSON.stringify(this.pageState())}\n\n`);
    this.clients.add(res);
    req.on("close", () => this.clients.delete(res));
  }

  private async servePdf(res: ServerResponse): Promise<void> {
    const s = this.snapshot;
    if (!s) {
      res.writeHead(503, { "Content-Type": "text/plain; charset=utf-8" }).end("no render to print yet\n");
      return;
    }
    if (this.pdf?.version !== s.version) {
      this.browser ??= Browser.launch();
      const browser = await this.browser;
      const job = { version: s.version, bytes: printReport(browser, s.doc.input).then((p) => p.pdf) };
      this.pdf = job;
      // A failed print is not kept: the next request prints again.
      job.bytes.catch(() => {
        if (this.pdf === job) this.pdf = null;
      });
      this.log(`[pdf] printing render ${s.version}`);
    }
    const bytes = await this.pdf.bytes;
    res.writeHead(200, { "Content-Type": "application/pdf", "Content-Disposition": 'inline; filename="report.pdf"' });
    res.end(bytes);
  }

  private async execute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: object): void => {
      res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    };
    const origin = req.headers.origin;
    if (
      req.headers["x-a2-preview"] !== "1" ||
      (origin !== undefined && origin !== this.url.slice(0, -1) && origin !== `http://localhost:${this.port}`)
    ) {
      return reply(403, { error: "requests must come from the preview page" });
    }
    let body = "";
    for await (const chunk of req) {
      body += chunk;
      if (body.length > 10000) return reply(413, { error: "request too large" });
    }
    let ask: { notebook?: unknown; all?: unknown };
    try {
      ask = JSON.parse(body) as typeof ask;
    } catch {
      return reply(400, { error: 'expected JSON: {"notebook": "task2.ipynb"} or {"all": true}' });
    }
    const sources = taskNotebooks(this.root);
    const mode = this.set.mode ?? "quick";
    const dir = this.o.notebooksDir ?? this.set.dir ?? executedDirs(this.root)[mode];
    const chosen = ask.all === true ? sources : sources.filter((s) => basename(s) === ask.notebook);
    if (chosen.length === 0)
      return reply(400, {
        error: `unknown notebook ${JSON.stringify(ask.notebook)}: expected one of ${sources.map((s) => basename(s)).join(", ")}`,
      });
    if (this.runner.running) return reply(409, { error: `${this.runner.running} is still running` });
    const rel = (p: string) => relative(this.root, p);
    const args = [
      ...(mode === "quick" ? ["--quick"] : []),
      "--out",
      dir,
      ...(this.o.dataDir ? ["--data-dir", this.o.dataDir] : []),
      ...chosen.map(rel),
    ];
    const command = notebooksCommand(this.root, mode, dir, chosen, this.o.dataDir);
    const pid = this.runner.start(args, command);
    this.log(`[run] ${command} (process group ${pid})`);
    this.send("log", `$ ${command}`);
    this.send("notebooks", this.notebookView());
    reply(202, { running: command });
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off("listening", onListening);
      reject(e);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve((server.address() as { port: number }).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, "127.0.0.1");
  });
}

/** "2 sections, toc" */
function describe(u: Update): string {
  const n = Object.keys(u.sections).length;
  const parts = [
    n ? `${n} section${n > 1 ? "s" : ""}` : "",
    u.toc !== undefined ? "contents" : "",
    u.titleBlock !== undefined ? "title" : "",
    u.css !== undefined ? "style" : "",
  ].filter(Boolean);
  return parts.length ? `render ${u.version}: ${parts.join(", ")}` : `render ${u.version}: no change`;
}
