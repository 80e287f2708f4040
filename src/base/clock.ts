// The clock runs measure themselves with: the CPU time of the calling thread where Linux reports
// it (/proc/thread-self/schedstat, nanoseconds), which a busy machine barely moves, else
// wall-clock time. A run's epoch times then say what the run cost, not how loaded the machine was
// (two workers and another build on two cores made one run's wall-clock epoch time half again
// another's, against their CPU times).
//
// May import: nothing of the project.

import { existsSync, readFileSync } from "node:fs";

export type ClockKind = "thread-cpu" | "wall";

const SCHEDSTAT = "/proc/thread-self/schedstat";

function threadCpuMs(): number {
  return Number(readFileSync(SCHEDSTAT, "utf8").split(" ")[0]) / 1e6;
}

/** Which clock threadClock() reads on this system. */
export function clockKind(): ClockKind {
  if (!existsSync(SCHEDSTAT)) return "wall";
  try {
    return Number.isFinite(threadCpuMs()) ? "thread-cpu" : "wall";
  } catch {
    return "wall";
  }
}

/** Milliseconds of the calling thread's CPU time (or of wall-clock time: clockKind()). */
export function threadClock(kind: ClockKind = clockKind()): () => number {
  return kind === "thread-cpu" ? threadCpuMs : () => performance.now();
}
