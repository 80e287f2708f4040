// Versions of what produced a result: this project, tslab, Node.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./paths";

function packageVersion(dir: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

export interface Versions {
  readonly project: string | null;
  readonly tslab: string | null;
  readonly node: string;
}

export function versions(): Versions {
  const root = packageRoot();
  return { project: packageVersion(root), tslab: packageVersion(join(root, "node_modules", "tslab")), node: process.version };
}
