// Preloaded into the project's tslab kernel (`node --require scripts/kernel_guard.cjs`, see the
// kernelspec in src/report/execute.ts): the kernel exits when the process that started it is gone.
// Jupyter starts a kernel in a session of its own and names itself in JPY_PARENT_PID, so a killed
// executor or notebook server would otherwise leave the kernel (and its training threads) running.
// This is ipykernel's parent poller, for a Node kernel.
"use strict";
const parent = Number(process.env.JPY_PARENT_PID);
if (Number.isInteger(parent) && parent > 1 && process.ppid === parent) {
  setInterval(() => {
    if (process.ppid !== parent) process.exit(1);
  }, 500).unref();
}
