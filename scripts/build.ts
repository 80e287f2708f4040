// npm run build: compile src/ to dist/ as CommonJS with declarations (what tslab notebooks
// require), marked as CommonJS for Node inside this "type": "module" package.

import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
writeFileSync(new URL("../dist/package.json", import.meta.url), JSON.stringify({ type: "commonjs" }) + "\n");
console.log("[build] dist/");
