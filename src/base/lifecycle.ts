// Stopping cleanly. Whatever starts something that must not outlive the command (a child process,
// a browser, a temporary folder) registers its cleanup with onStop() and unregisters it when done.
// When the command is stopped (SIGINT, SIGTERM, SIGHUP: scripts/lib/cli.ts runMain calls
// stopAll()), every registered cleanup runs, newest first, and commit points (renaming outputs
// into place) call throwIfStopping(), so a stopped command never replaces previous outputs.
// While nothing is registered a signal may keep its default action (the process ends at once,
// even inside a long synchronous computation): onCleanupsChange() tells runMain when to listen.
//
// Children are spawned with spawnOwned(): in a process group of their own (so a stop reaches
// their whole tree), with a pipe on stdin that closes when this process dies, however it dies,
// for children that watch it (scripts/execute_notebook.py does).
//
// May import: nothing of the project.

import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

type Cleanup = () => void | Promise<void>;

const cleanups = new Set<Cleanup>();
let reason: string | null = null;
let listener: ((active: boolean) => void) | null = null;

/** Called with true when the first cleanup is registered, with false when the last one goes. */
export function onCleanupsChange(fn: ((active: boolean) => void) | null): void {
  listener = fn;
  fn?.(cleanups.size > 0);
}

/**
 * A new temporary folder (`<tmp>/<prefix>XXXXXX`) removed by remove() or, if the command is stopped
 * first, by its stop: for work files that must not outlive the command.
 */
export function tempFolder(prefix: string): { readonly dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const unregister = onStop(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    remove() {
      unregister();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Thrown by throwIfStopping() once the command is being stopped. */
export class StoppedError extends Error {
  override name = "StoppedError";
}

/**
 * Register a cleanup to run if the command is stopped; returns the function that unregisters it.
 * Once the command is stopping, the cleanup runs at once (work still winding down must not leave
 * what it creates after the stop, e.g. a temporary folder, behind).
 */
export function onStop(fn: Cleanup): () => void {
  if (reason) {
    void Promise.resolve()
      .then(fn)
      .catch(() => undefined);
    return () => undefined;
  }
  cleanups.add(fn);
  if (cleanups.size === 1) listener?.(true);
  return () => {
    if (cleanups.delete(fn) && cleanups.size === 0) listener?.(false);
  };
}

/** Why the command is stopping (e.g. "SIGTERM"), or null while it runs. */
export function stopping(): string | null {
  return reason;
}

/** At a commit point: throw StoppedError when the command is being stopped. */
export function throwIfStopping(): void {
  if (reason) throw new StoppedError(`stopped by ${reason}`);
}

/**
 * Stop: run every registered cleanup (newest first, concurrently), waiting at most `ms` for them.
 * Later calls only wait for the first.
 */
let stopped: Promise<void> | null = null;
export function stopAll(why: string, ms = 8000): Promise<void> {
  if (stopped) return stopped;
  reason = why;
  const all = [...cleanups].reverse();
  cleanups.clear();
  const run = Promise.allSettled(all.map(async (f) => f())).then(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  stopped = Promise.race([run, limit]).finally(() => clearTimeout(timer));
  return stopped;
}

/** Whether a process with this id exists (this process counts as alive). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

export interface OwnedChild {
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) once the child has exited. */
  readonly exited: Promise<number | null>;
  /** Stop it as a stop would (its group gets SIGTERM, then SIGKILL after the grace); resolves once it has exited. */
  readonly stop: () => Promise<void>;
}

/**
 * Spawn a child in a process group of its own, with stdin a pipe this process holds open until it
 * dies. On stop, the group gets SIGTERM, then SIGKILL after `graceMs`.
 */
export function spawnOwned(command: string, args: readonly string[], opts: SpawnOptions & { graceMs?: number } = {}): OwnedChild {
  const { graceMs = 4000, ...spawnOpts } = opts;
  const stdio = spawnOpts.stdio ?? ["pipe", "pipe", "pipe"];
  const child = spawn(command, args, {
    ...spawnOpts,
    stdio: Array.isArray(stdio) ? ["pipe", ...stdio.slice(1)] : ["pipe", stdio, stdio],
    detached: true,
  });
  // Never written to: it closes when this process exits or is killed.
  child.stdin?.on("error", () => undefined);
  const exited = new Promise<number | null>((resolve) => {
    child.once("error", () => resolve(null));
    child.once("exit", (code) => resolve(code));
  });
  const stop = async () => {
    signalGroup(child, "SIGTERM");
    const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const unregister = onStop(stop);
  void exited.then(unregister);
  return { child, exited, stop };
}
