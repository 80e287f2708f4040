// Worker-thread entry for the run pool: trains the runs it is sent, one at a time, and posts
// progress (at every check and every 50 steps) and the result back.

import { parentPort } from "node:worker_threads";
import { DivergenceError, InputError } from "../base/errors";
import type { RunConfig } from "./config";
import { prepareData, train } from "./train";
import type { FromWorker, ToWorker } from "./pool";

const port = parentPort;
if (!port) throw new Error("worker.ts must run in a worker thread");

port.on("message", (msg: ToWorker) => {
  const { index, config, dataDir } = msg;
  const send = (m: FromWorker) => port.postMessage(m);
  try {
    const data = prepareData(config as RunConfig, dataDir);
    const { result } = train(config, data, {
      onProgress: (p) => {
        if (p.check || p.step % 50 === 0 || (p.step + 1) % p.stepsPerEpoch === 0) send({ type: "progress", index, progress: p });
      },
    });
    send({ type: "done", index, result });
  } catch (e) {
    const kind = e instanceof InputError ? "input" : e instanceof DivergenceError ? "divergence" : "bug";
    const err = e as Error;
    send({ type: "error", index, kind, message: err.message, stack: err.stack ?? "", step: (e as DivergenceError).step });
  }
});
