// The C kernels (native/*.c, the WebAssembly kernels' twin: the same bits, wider vectors): how
// they are compiled for a processor, what a build records beside its binary (the sources' hash,
// the processor's instruction sets) and whether a built binary may run here. A binary compiled
// from other sources, or for instructions this processor lacks (a checkout shared with another
// machine), is not loaded: training then runs the WebAssembly, which gives the same numbers.
//
// May import: base.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { filesFingerprint, sha256 } from "../base/fingerprint";
import { packageRoot } from "../base/paths";

/**
 * The compiler's flags besides -march, after whatever $CC holds: optimised, but every multiply and
 * add rounded on its own (-ffp-contract=off: no fused multiply-adds) and never reassociated
 * (-fno-fast-math, which also undoes a -ffast-math in $CC or a compiler's default).
 * -fno-trapping-math only lets GCC vectorise the activations' loops: it assumes that no
 * floating-point exception traps (none is enabled), which changes no value.
 */
export const NATIVE_FLAGS: readonly string[] = [
  "-O3",
  "-fno-fast-math",
  "-ffp-contract=off",
  "-fno-trapping-math",
  "-fPIC",
  "-shared",
  "-fvisibility=hidden",
  "-Wall",
  "-Wextra",
];

export function nativeSources(root = packageRoot()): string[] {
  return ["kernels.h", "kernels.c", "addon.c"].map((f) => join(root, "native", f));
}

export function nativePath(root = packageRoot()): string {
  return join(root, "native", "build", "kernels.node");
}

/** What a build records beside its binary. */
export interface NativeBuild {
  /** sha256 of the binary, so that a binary and a record of another build never pass for each other. */
  readonly binary: string;
  /** nativeSourcesHash() of the sources it was compiled from. */
  readonly sources: string;
  /** The features (cpuinfo's flags) of the processor it was compiled for (-march=native). */
  readonly isa: readonly string[];
  /** That processor's model name (what is compared where cpuinfo lists no features). */
  readonly model: string;
}

export function nativeBuildPath(root = packageRoot()): string {
  return join(root, "native", "build", "kernels.json");
}

export function nativeSourcesHash(root = packageRoot()): string {
  return filesFingerprint(root, nativeSources(root));
}

export function fileHash(path: string): string {
  return sha256(readFileSync(path));
}

/**
 * The processor's features as cpuinfo lists them (x86 "flags", Arm "Features"), sorted; empty
 * where there is no cpuinfo. All of them, not only those a compiler might use: a feature the
 * builder had and this processor lacks makes the binary refused, which costs speed, never a crash.
 */
export function processorIsa(cpuinfo = "/proc/cpuinfo"): string[] {
  if (!existsSync(cpuinfo)) return [];
  const line = /^(?:flags|Features)\s*:(.*)$/m.exec(readFileSync(cpuinfo, "utf8"));
  return [...new Set((line?.[1] ?? "").trim().split(/\s+/).filter(Boolean))].sort();
}

/** This processor, as a build records it. */
export function thisProcessor(): { isa: string[]; model: string } {
  return { isa: processorIsa(), model: cpus()[0]?.model ?? "" };
}

/**
 * Why the build at `root` may not run here, or null when it may: not built, compiled from other
 * sources than the checkout's, or for a processor with instruction sets this one lacks.
 */
export function nativeProblem(root = packageRoot(), here = thisProcessor()): string | null {
  const path = nativePath(root);
  const info = nativeBuildPath(root);
  if (!existsSync(path) || !existsSync(info)) return `${path} is not built: run npm run build (it needs a C compiler, cc)`;
  let build: NativeBuild;
  try {
    build = JSON.parse(readFileSync(info, "utf8")) as NativeBuild;
  } catch {
    return `${info} is unreadable: run npm run build`;
  }
  const strings = (x: unknown) => Array.isArray(x) && x.every((f) => typeof f === "string");
  if (typeof build?.binary !== "string" || typeof build.sources !== "string" || !strings(build.isa) || typeof build.model !== "string")
    return `${info} is not a record of a build: run npm run build`;
  if (build.binary !== fileHash(path)) return `${path} is not the binary ${info} describes: run npm run build`;
  if (build.sources !== nativeSourcesHash(root)) return `${path} was compiled from other sources than native/'s: run npm run build`;
  const missing = build.isa.filter((f) => !here.isa.includes(f));
  if (missing.length > 0) {
    const shown = missing.slice(0, 6).join(", ") + (missing.length > 6 ? ", …" : "");
    return `${path} was compiled for a processor with ${shown}, which this one lacks: run npm run build here`;
  }
  if (build.isa.length === 0 && (build.model === "" || build.model === "unknown" || build.model !== here.model))
    return `${path} was compiled for a processor that cannot be told from this one: run npm run build here`;
  return null;
}

/**
 * Compile the sources at `root` into `out` for -march=`march` ("native": this processor) with
 * `cc` (a command and its leading arguments, as $CC may hold them). The compiler's messages, or
 * null when it succeeded.
 */
export function compileNative(cc: readonly string[], march: string, out: string, root = packageRoot()): string | null {
  const include = join(root, "node_modules", "node-api-headers", "include");
  const c = nativeSources(root).filter((f) => f.endsWith(".c"));
  const r = spawnSync(cc[0], [...cc.slice(1), `-march=${march}`, ...NATIVE_FLAGS, "-I", include, ...c, "-o", out, "-lm"], {
    encoding: "utf8",
  });
  if (r.error) return String(r.error.message);
  if (r.status !== 0) return r.stderr.trim() || `${cc.join(" ")} exited with ${r.status}`;
  return null;
}

/** $CC (a command and its arguments) or cc. */
export function cCompiler(env: NodeJS.ProcessEnv = process.env): string[] {
  const words = (env.CC ?? "").trim().split(/\s+/).filter(Boolean);
  return words.length > 0 ? words : ["cc"];
}

/** The compiler's first line of --version, or null when there is none. */
export function cCompilerVersion(cc: readonly string[]): string | null {
  const r = spawnSync(cc[0], [...cc.slice(1), "--version"], { encoding: "utf8" });
  return r.error || r.status !== 0 ? null : r.stdout.trim().split("\n")[0];
}
