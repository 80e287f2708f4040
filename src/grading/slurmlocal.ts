// A one-node Slurm cluster on this machine (npm run slurm-local -- up|down), from Debian's
// slurm-wlm and munge (installed through apt-get when missing and this user is root) and the
// config in slurm/slurm.conf.in: munged on a socket and key of its own, slurmctld and slurmd,
// all state, logs and pid files under one folder (build/slurm/). Idempotent: up on a running
// cluster and down on a stopped one do nothing. Daemons are stopped by their pid files only.
//
// May import: base.

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, hostname, totalmem, userInfo } from "node:os";
import { join } from "node:path";
import { InputError } from "../base/errors";
import { writeFileAtomic } from "../base/io";
import { packageRoot } from "../base/paths";

/** The local cluster's folder. */
export function localClusterDir(): string {
  return join(packageRoot(), "build", "slurm");
}

/** The slurm.conf clients need (SLURM_CONF) for the cluster in `dir`. */
export function localClusterConf(dir = localClusterDir()): string {
  return join(dir, "slurm.conf");
}

const PROGRAMS = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol", "scancel"];
const DEBS = ["slurm-wlm", "munge"];

const have = (p: string) => spawnSync("sh", ["-c", `command -v ${p}`], { stdio: "ignore" }).status === 0;

/** Debian's slurm-wlm and munge, installed when missing (as root), else an error naming the command. */
export function ensureSlurmInstalled(log: (l: string) => void): void {
  const missing = PROGRAMS.filter((p) => !have(p));
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${DEBS.join(" ")}`;
  if (process.getuid?.() !== 0 || !have("apt-get")) throw new InputError(`${missing.join(", ")} missing: run sudo ${command}`);
  log(`[setup] apt-get install ${DEBS.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const u = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  const i = u.status === 0 ? spawnSync("sh", ["-c", `${command} >/dev/null`], { stdio: "inherit", env }) : u;
  if (i.status !== 0) throw new InputError(`apt-get could not install ${DEBS.join(", ")}; run: ${command}`);
}

/** The pid in a pid file when that process is alive and runs `program`, else null. */
function running(pidFile: string, program: string): number | null {
  try {
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "latin1");
    return cmd.split("\0")[0].endsWith(program) ? pid : null;
  } catch {
    return null;
  }
}

function tail(file: string, n = 3): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-n).join(" | ");
  } catch {
    return "(no log)";
  }
}

interface Daemon {
  readonly program: string;
  readonly pidFile: string;
  readonly log: string;
  readonly args: string[];
}

function daemons(dir: string): Daemon[] {
  const conf = localClusterConf(dir);
  const m = join(dir, "munge");
  return [
    {
      program: "munged",
      pidFile: join(m, "munged.pid"),
      log: join(m, "munged.log"),
      args: [
        "--force",
        `--socket=${join(m, "munge.socket")}`,
        `--key-file=${join(m, "munge.key")}`,
        `--pid-file=${join(m, "munged.pid")}`,
        `--log-file=${join(m, "munged.log")}`,
        `--seed-file=${join(m, "munged.seed")}`,
      ],
    },
    { program: "slurmctld", pidFile: join(dir, "slurmctld.pid"), log: join(dir, "slurmctld.log"), args: ["-f", conf] },
    { program: "slurmd", pidFile: join(dir, "slurmd.pid"), log: join(dir, "slurmd.log"), args: ["-f", conf] },
  ];
}

/** slurm.conf for this machine from the template. */
export function clusterConfig(dir: string, template = readFileSync(join(packageRoot(), "slurm", "slurm.conf.in"), "utf8")): string {
  const cores = cpus().length;
  const memory = Math.max(512, Math.floor((totalmem() / (1 << 20)) * 0.8));
  const values: Record<string, string> = {
    STATE: dir,
    HOST: hostname().split(".")[0],
    CTLD_PORT: process.env.A2_SLURMCTLD_PORT ?? "6817",
    D_PORT: process.env.A2_SLURMD_PORT ?? "6818",
    USER: userInfo().username,
    CPUS: String(cores),
    MEMORY: String(memory),
    MEM_PER_CPU: String(Math.floor(memory / cores)),
  };
  return template.replace(/@([A-Z_]+)@/g, (m, k: string) => values[k] ?? m);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The node's state as sinfo reports it ("idle", "down*", …), or null when the controller does not answer. */
export function nodeState(dir = localClusterDir()): string | null {
  const r = spawnSync("sinfo", ["--noheader", "--format=%T"], {
    encoding: "utf8",
    env: { ...process.env, SLURM_CONF: localClusterConf(dir) },
    timeout: 10000,
  });
  return r.status === 0 ? r.stdout.trim().split("\n")[0] || null : null;
}

/** Start the cluster (what is not running yet); resolves when its node takes jobs. */
export async function clusterUp(
  dir = localClusterDir(),
  log: (l: string) => void = () => {},
): Promise<{ conf: string; started: string[] }> {
  ensureSlurmInstalled(log);
  for (const d of [dir, join(dir, "ctld"), join(dir, "d"), join(dir, "munge")]) mkdirSync(d, { recursive: true });
  chmodSync(join(dir, "munge"), 0o700);
  const key = join(dir, "munge", "munge.key");
  if (!existsSync(key)) {
    writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  }
  const conf = localClusterConf(dir);
  const text = clusterConfig(dir);
  if (!existsSync(conf) || readFileSync(conf, "utf8") !== text) writeFileAtomic(conf, text);
  const started: string[] = [];
  try {
    for (const d of daemons(dir)) {
      if (running(d.pidFile, d.program)) continue;
      const r = spawnSync(d.program, d.args, { encoding: "utf8", env: { ...process.env, SLURM_CONF: conf }, timeout: 30000 });
      if (r.status !== 0) {
        throw new InputError(`${d.program} did not start (exit ${r.status}): ${(r.stderr || "").trim().split("\n").pop() || tail(d.log)}`);
      }
      started.push(d.program);
      log(`[start] ${d.program}`);
    }
    // The node is up when sinfo says it takes jobs; a daemon that died on the way is named at once.
    for (let i = 0; i < 60; i++) {
      await sleep(500);
      for (const d of daemons(dir)) {
        if (i >= 2 && !running(d.pidFile, d.program)) throw new InputError(`${d.program} stopped after starting: ${tail(d.log, 1)}`);
      }
      const s = nodeState(dir);
      if (s && /^(idle|mixed|allocated|completing)/.test(s)) return { conf, started };
      if (s && /^(down|drain)/.test(s) && i % 5 === 4) {
        spawnSync("scontrol", ["update", `nodename=${hostname().split(".")[0]}`, "state=resume"], {
          env: { ...process.env, SLURM_CONF: conf },
          stdio: "ignore",
        });
      }
    }
    const logs = daemons(dir)
      .map((d) => `${d.program}: ${tail(d.log, 1)}`)
      .join("; ");
    throw new InputError(`the local cluster did not come up within 30 s (node ${nodeState(dir) ?? "not answering"}); ${logs}`);
  } catch (e) {
    // What this call started is stopped again: no half-started cluster is left behind.
    for (const d of [...daemons(dir)].reverse()) {
      const pid = started.includes(d.program) ? running(d.pidFile, d.program) : null;
      if (pid) process.kill(pid, "SIGTERM");
    }
    throw e;
  }
}

/** Stop the cluster's daemons (by their pid files); resolves when they are gone. */
export async function clusterDown(dir = localClusterDir(), log: (l: string) => void = () => {}): Promise<string[]> {
  const stopped: string[] = [];
  for (const d of [...daemons(dir)].reverse()) {
    const pid = running(d.pidFile, d.program);
    if (!pid) continue;
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 50 && running(d.pidFile, d.program); i++) await sleep(200);
    if (running(d.pidFile, d.program)) process.kill(pid, "SIGKILL");
    rmSync(d.pidFile, { force: true });
    stopped.push(d.program);
    log(`[stop] ${d.program}`);
  }
  return stopped;
}
