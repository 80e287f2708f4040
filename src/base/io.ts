// Writing outputs atomically: into a temporary file beside the target, then renamed over it, so a
// failure never leaves a half-written results file, cache or report behind. A target that is a
// symbolic link is replaced by the new file, never written through; temporary files are created
// exclusively (O_EXCL), so a link planted at their name is not followed either.
//
// A set of files that belong together (the report's PDF, HTML and results) is written as one
// folder (writeFolderAtomic): the files go into a new hidden sibling folder, and the output path,
// a symbolic link to it, is swapped to it by one rename. A reader sees the old set or the new one,
// never a mix. Outputs are checked before work starts (checkOutputFile, checkOutputFolder), so a
// bad output path fails before hours of training, not after.
//
// May import: nothing of the project (base/ only).

import { randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync, type Stats } from "node:fs";
import { dirname, basename, join } from "node:path";
import { InputError } from "./errors";
import { processAlive, throwIfStopping } from "./lifecycle";

const unique = () => `${process.pid}-${randomBytes(4).toString("hex")}`;

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeFilesAtomic([[path, data]]);
}

/**
 * Several files that belong together: all are written to temporary files first, then renamed one
 * after another, so a failure while writing leaves every previous file as it was. (For outputs a
 * reader must see as one set, use writeFolderAtomic.)
 */
export function writeFilesAtomic(files: readonly (readonly [string, string | Uint8Array])[]): void {
  const staged: [string, string][] = [];
  try {
    for (const [path, data] of files) {
      mkdirSync(dirname(path), { recursive: true });
      const tmp = join(dirname(path), `.${basename(path)}.${unique()}.tmp`);
      writeFileSync(tmp, data, { flag: "wx" });
      staged.push([tmp, path]);
    }
    throwIfStopping();
    for (const [tmp, path] of staged) renameSync(tmp, path);
  } catch (e) {
    for (const [tmp] of staged) rmSync(tmp, { force: true });
    throw e;
  }
}

/** JSON with two-space indentation and a final newline. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "a read-only file system",
  ENOTDIR: "a part of the path is a file, not a folder",
  EEXIST: "a part of the path is a file, not a folder",
  ENOENT: "no such folder",
  ENOSPC: "no space left",
};

/**
 * Fail unless files can be created in `dir` or, where it is missing, in its nearest existing
 * ancestor (a write creates the rest): a probe file is written there and removed. Nothing else is
 * created.
 */
function probeFolder(dir: string, what: string): void {
  let d = dir;
  while (!lstatOrNull(d) && dirname(d) !== d) d = dirname(d);
  try {
    const probe = join(d, `.probe-${unique()}.tmp`);
    writeFileSync(probe, "", { flag: "wx" });
    rmSync(probe);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    throw new InputError(`${what}: cannot write there (${REASONS[code] || code || (e as Error).message})`);
  }
}

/** Before work: `path` can be written as a file (`what` names it in errors, e.g. "--json out.json"). */
export function checkOutputFile(path: string, what = path): void {
  const st = lstatOrNull(path);
  if (st?.isDirectory()) throw new InputError(`${what}: a folder, expected a file to write`);
  probeFolder(dirname(path), what);
}

/** The hidden siblings of a folder's versions, `.NAME.<pid>-<random>`, and of its links being made. */
const versionOf = (name: string) =>
  new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(?:link-)?(\\d+)-[0-9a-f]+(?:\\.tmp)?$`);

/**
 * Before work: `dir` can receive a set of files named `names` with writeFolderAtomic: it is
 * missing, a symbolic link (replaced, not followed), or a folder holding nothing but those files
 * (from a build that wrote into the folder itself); its parent is writable.
 */
export function checkOutputFolder(dir: string, names: readonly string[], what = dir): void {
  const st = lstatOrNull(dir);
  if (st && !st.isDirectory() && !st.isSymbolicLink()) throw new InputError(`${what}: a file, expected a folder for ${names.join(", ")}`);
  if (st?.isDirectory()) {
    const other = readdirSync(dir).filter((f) => !names.includes(f) && !f.endsWith(".tmp"));
    if (other.length) {
      throw new InputError(
        `${what}: holds other files (${other.slice(0, 3).join(", ")}${other.length > 3 ? ", …" : ""}); ` +
          `the output folder is replaced as a whole: choose a new or empty folder`,
      );
    }
  }
  probeFolder(dirname(dir), what);
}

/**
 * Write `files` (name, contents) as the folder `dir`, all or nothing: into a new hidden sibling
 * folder, then `dir` (a symbolic link) is pointed at it by one rename. A `dir` that is a real
 * folder (checkOutputFolder allows only one holding these files) is moved aside first, once: the
 * only moment `dir` is missing. Superseded versions, and those of builds that died, are removed.
 */
export function writeFolderAtomic(dir: string, files: readonly (readonly [string, string | Uint8Array])[]): void {
  checkOutputFolder(
    dir,
    files.map(([n]) => n),
  );
  const parent = dirname(dir),
    name = basename(dir);
  const version = `.${name}.${unique()}`;
  const link = join(parent, `.${name}.link-${unique()}.tmp`);
  mkdirSync(parent, { recursive: true });
  mkdirSync(join(parent, version));
  try {
    for (const [file, data] of files) writeFileSync(join(parent, version, file), data, { flag: "wx" });
    symlinkSync(version, link);
    throwIfStopping();
    if (lstatOrNull(dir)?.isDirectory()) {
      const aside = join(parent, `.${name}.${unique()}`);
      renameSync(dir, aside);
      renameSync(link, dir);
    } else {
      renameSync(link, dir);
    }
  } catch (e) {
    rmSync(link, { force: true });
    rmSync(join(parent, version), { recursive: true, force: true });
    throw e;
  }
  removeStaleVersions(dir);
}

/** Remove the versions of `dir` that it does not point to, unless a live build (by pid) owns them. */
export function removeStaleVersions(dir: string): void {
  const parent = dirname(dir),
    name = basename(dir);
  let current: string | null = null;
  try {
    current = readlinkSync(dir);
  } catch {
    current = null;
  }
  const re = versionOf(name);
  for (const f of readdirSync(parent)) {
    const pid = re.exec(f)?.[1];
    if (!pid || f === current) continue;
    if (Number(pid) !== process.pid && processAlive(Number(pid))) continue;
    rmSync(join(parent, f), { recursive: true, force: true });
  }
}
