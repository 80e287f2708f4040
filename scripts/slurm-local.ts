// npm run slurm-local -- up|down [--dir DIR]: a one-node Slurm cluster on this machine (Debian's
// slurm-wlm and munge, slurm/slurm.conf.in), its state under build/slurm/. Idempotent; up prints
// the SLURM_CONF that sbatch and squeue need.

import { resolve } from "node:path";
import { InputError } from "../src/base/errors";
import { clusterDown, clusterUp, localClusterConf, localClusterDir } from "../src/grading/slurmlocal";
import { parseFlags, runMain } from "./lib/cli";
import { HELP } from "./lib/help";

await runMain(async () => {
  const { values, positionals } = parseFlags({ allowPositionals: true, options: { dir: { type: "string" } } });
  const dir = values.dir ? resolve(values.dir) : localClusterDir();
  const log = (l: string) => console.log(l);
  if (positionals.length !== 1 || !["up", "down"].includes(positionals[0])) throw new InputError(`usage: ${HELP["slurm-local"].usage}`);
  if (positionals[0] === "up") {
    const { conf, started } = await clusterUp(dir, log);
    console.log(started.length ? `[up] the local cluster takes jobs` : `[up] the local cluster was already up`);
    console.log(`export SLURM_CONF=${conf}`);
  } else {
    const stopped = await clusterDown(dir, log);
    console.log(
      stopped.length ? `[down] the local cluster is stopped (${localClusterConf(dir)})` : "[down] the local cluster was not running",
    );
  }
  return 0;
});
