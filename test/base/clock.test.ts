import { test } from "uvu";
import * as assert from "uvu/assert";
import { clockKind, threadClock } from "../../src/base/clock";

test("on Linux the runs' clock is the thread's CPU time: a sleep does not count, work does", () => {
  if (process.platform !== "linux") return;
  assert.is(clockKind(), "thread-cpu");
  const now = threadClock();
  const a = now();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); // 300 ms asleep
  const slept = now() - a;
  let x = 0;
  const w0 = performance.now();
  while (performance.now() - w0 < 100) x += Math.sqrt(x + 1); // 100 ms of work
  const worked = now() - a - slept;
  assert.ok(slept < 100, `${slept.toFixed(1)} ms counted while asleep for 300 ms`);
  assert.ok(worked > 50, `${worked.toFixed(1)} ms counted for 100 ms of work`);
});

test("the wall clock where asked", () => {
  const now = threadClock("wall");
  const a = now();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  assert.ok(now() - a >= 45);
});

test.run();
