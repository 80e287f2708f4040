// npm run preview [-- --port N] [--open] [--quick] [--report-dir DIR] [--notebooks DIR] [--data-dir DIR]:
// the report as a live page on 127.0.0.1 (src/preview/server.ts), repainted on every save. Ctrl-C
// (or SIGTERM) stops it and any notebook execution it started; a second Ctrl-C does not wait.

import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { InputError } from "../src/base/errors";
import { DEFAULT_PORT, PreviewServer } from "../src/preview/server";
import { integerFlag, parseFlags, runMain } from "./lib/cli";

/** Open a URL in the desktop's browser; a line on stderr when there is none. */
function openBrowser(url: string): void {
  const cmd = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  const child = spawn(cmd, [url], { stdio: "ignore", detached: true });
  child.on("error", () => process.stderr.write(`[open] no ${cmd}: open ${url} yourself\n`));
  child.unref();
}

await runMain(async () => {
  const { values, positionals } = parseFlags({
    allowPositionals: true,
    options: {
      port: { type: "string" },
      open: { type: "boolean" },
      quick: { type: "boolean" },
      "report-dir": { type: "string" },
      notebooks: { type: "string" },
      "data-dir": { type: "string" },
    },
  });
  if (positionals.length > 0) throw new InputError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const port = integerFlag("port", values.port, 0, 65535) ?? DEFAULT_PORT;
  const server = await PreviewServer.start({
    port,
    quick: values.quick,
    reportDir: values["report-dir"] ? resolve(values["report-dir"]) : undefined,
    notebooksDir: values.notebooks ? resolve(values.notebooks) : undefined,
    dataDir: values["data-dir"] ? resolve(values["data-dir"]) : undefined,
  });
  console.log(`[preview] ${server.url} (pid ${process.pid}; Ctrl-C stops it)`);
  if (values.open) openBrowser(server.url);
  // The first Ctrl-C (or SIGTERM) closes everything in order; a second one does not wait.
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(signal === "SIGINT" ? 130 : 143);
      stopping = true;
      void server.close().then(done);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
});
