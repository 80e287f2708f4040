// Set-up before `npm run report`, `npm test`, `npm run preview` and `npm run jupyter`, in plain Node
// (it runs before any dependency is installed): `npm ci` when a dependency is missing (its prepare
// step builds the kernels and writes the kernelspec), then Debian's Chromium, Jupyter (nbclient and
// the classic notebook), fonts and poppler when missing, through apt-get when this user may run
// it; otherwise one line with the exact command to run, and exit 1. A missing C compiler (for the
// C kernels; without it the WebAssembly runs) is installed the same way, or noted, never a stop.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const DEBS = [
  "chromium",
  "jupyter-nbconvert",
  "python3-nbclient",
  "jupyter-client",
  "jupyter-notebook",
  "fonts-dejavu-core",
  "poppler-utils",
];

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const missingDeps = Object.keys(pkg.dependencies ?? {}).filter((d) => !existsSync(join(root, "node_modules", d, "package.json")));
if (missingDeps.length > 0) {
  console.log(`[setup] npm ci (missing: ${missingDeps.slice(0, 4).join(", ")}${missingDeps.length > 4 ? ", …" : ""})`);
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error("error: npm ci failed; run it by hand in " + root);
    process.exit(1);
  }
}

const ok = (cmd, args) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
const missing = [];
if (!existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium")) missing.push("chromium");
if (!ok("/usr/bin/python3", ["-c", "import nbclient, nbformat, jupyter_client"]))
  missing.push("jupyter-nbconvert", "python3-nbclient", "jupyter-client");
if (!ok("/usr/bin/python3", ["-c", "import notebook.notebookapp"]) || !existsSync("/usr/bin/jupyter-notebook"))
  missing.push("jupyter-notebook");
if (!existsSync("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")) missing.push("fonts-dejavu-core");
// verify and grade compare pages with poppler's pdftoppm and pdftotext.
if (!ok("sh", ["-c", "command -v pdftoppm && command -v pdftotext && command -v pdfinfo"])) missing.push("poppler-utils");
const root_ = process.getuid?.() === 0;
const apt = root_ && ok("sh", ["-c", "command -v apt-get"]);
const aptEnv = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
let updated = false;
/** apt-get install of these packages (one apt-get update first); true when it worked. */
const aptInstall = (debs) => {
  if (!updated && spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env: aptEnv }).status !== 0) return false;
  updated = true;
  return (
    spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...debs], {
      stdio: ["ignore", "ignore", "inherit"],
      env: aptEnv,
    }).status === 0
  );
};
if (missing.length > 0) {
  const command = `apt-get install -y --no-install-recommends ${DEBS.join(" ")}`;
  if (apt) {
    console.log(`[setup] apt-get install ${missing.join(" ")}`);
    if (!aptInstall(DEBS)) {
      console.error(`error: apt-get could not install ${missing.join(", ")}; run: ${command}`);
      process.exit(1);
    }
  } else {
    console.error(`error: ${missing.join(", ")} missing; run: sudo ${command}`);
    process.exit(1);
  }
}
// npm run build compiles the C kernels (native/) with a C compiler: training about twice as fast,
// the same numbers. Without one the WebAssembly kernels run, so a missing compiler is installed
// where apt-get may run, else noted; never a stop.
const cc = (process.env.CC || "cc").trim().split(/\s+/)[0];
if (!ok("sh", ["-c", 'command -v "$1"', "sh", cc])) {
  if (apt) console.log("[setup] apt-get install gcc libc6-dev");
  if (!apt || !aptInstall(["gcc", "libc6-dev"]))
    console.log(
      `[setup] no C compiler (${cc}): training runs the WebAssembly kernels (the same numbers, slower); for the C kernels: sudo apt-get install gcc libc6-dev`,
    );
}
