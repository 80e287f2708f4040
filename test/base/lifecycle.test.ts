// Stopping cleanly (src/base/lifecycle.ts with scripts/lib/cli.ts runMain), in a child process of
// its own (a stop is for good): SIGTERM runs every cleanup, kills owned children's whole process
// groups, refuses commits that come after it and exits 143 with one line; a SIGKILLed parent
// closes the pipe its children watch. With nothing registered, a signal keeps its default action.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onStop, stopping } from "../../src/base/lifecycle";
import { ROOT, processesWithEnv, waitUntil } from "../helpers";

const tmp = mkdtempSync(join(tmpdir(), "lifecycle-"));

function start(name: string, body: string, tag: string) {
  const script = join(tmp, `${name}.mts`);
  writeFileSync(
    script,
    `import { onStop, spawnOwned } from ${JSON.stringify(join(ROOT, "src/base/lifecycle.ts"))};
import { writeFileAtomic } from ${JSON.stringify(join(ROOT, "src/base/io.ts"))};
import { runMain } from ${JSON.stringify(join(ROOT, "scripts/lib/cli.ts"))};
import { appendFileSync } from "node:fs";
const dir = ${JSON.stringify(tmp)};
${body}
`,
  );
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: ROOT,
    env: { ...process.env, A2_TEST_TAG: tag },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const io = { out: "", err: "" };
  child.stdout.on("data", (d) => {
    io.out += d;
  });
  child.stderr.on("data", (d) => {
    io.err += d;
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
    child.on("exit", (code, signal) => r({ code, signal })),
  );
  return { child, io, exited };
}

test("SIGTERM: cleanups run, the child's process group dies, a later commit is refused, exit 143 with one line", async () => {
  const tag = `lifecycle-term-${process.pid}`;
  writeFileSync(join(tmp, "out.txt"), "previous");
  const { child, io, exited } = start(
    "term",
    `
await runMain(async () => {
  const { exited } = spawnOwned("sh", ["-c", "sleep 60 & sleep 60"], { stdio: ["pipe", "ignore", "ignore"] });
  onStop(() => appendFileSync(dir + "/order.txt", "registered first\\n"));
  onStop(() => appendFileSync(dir + "/order.txt", "registered second\\n"));
  console.log("ready");
  await exited;
  onStop(() => appendFileSync(dir + "/order.txt", "registered after the stop\\n"));
  writeFileAtomic(dir + "/out.txt", "written after the stop");
});`,
    tag,
  );
  try {
    assert.ok(await waitUntil(() => io.out.includes("ready"), 20000), io.err);
    assert.ok(await waitUntil(() => processesWithEnv("A2_TEST_TAG", tag).length >= 3, 5000), "node, sh and its two sleeps");
    child.kill("SIGTERM");
    const { code } = await exited;
    assert.is(code, 143);
    assert.is(io.err, "stopped (SIGTERM)\n");
    assert.ok(await waitUntil(() => processesWithEnv("A2_TEST_TAG", tag).length === 0, 3000), "the sleeps died with their group");
    assert.is(readFileSync(join(tmp, "out.txt"), "utf8"), "previous", "nothing is committed after a stop");
    assert.equal(
      readdirSync(tmp).filter((f) => f.endsWith(".tmp")),
      [],
      "no temporary file left",
    );
    assert.is(
      readFileSync(join(tmp, "order.txt"), "utf8"),
      "registered second\nregistered first\nregistered after the stop\n",
      "newest cleanup first; one registered after the stop runs at once",
    );
  } finally {
    for (const pid of processesWithEnv("A2_TEST_TAG", tag)) process.kill(pid, "SIGKILL");
  }
});

test("SIGKILL of the parent closes the pipe on its children's stdin", async () => {
  const tag = `lifecycle-kill-${process.pid}`;
  const { child, io, exited } = start(
    "kill",
    `
await runMain(async () => {
  spawnOwned("sh", ["-c", "cat > /dev/null; echo orphaned > " + dir + "/noticed.txt"], { stdio: ["pipe", "ignore", "ignore"] });
  console.log("ready");
  await new Promise(() => {});
});`,
    tag,
  );
  try {
    assert.ok(await waitUntil(() => io.out.includes("ready"), 20000), io.err);
    child.kill("SIGKILL");
    await exited;
    assert.ok(await waitUntil(() => readdirSync(tmp).includes("noticed.txt"), 3000), "the child saw its stdin end");
    assert.ok(await waitUntil(() => processesWithEnv("A2_TEST_TAG", tag).length === 0, 3000));
  } finally {
    for (const pid of processesWithEnv("A2_TEST_TAG", tag)) process.kill(pid, "SIGKILL");
  }
});

test("with nothing registered a signal keeps its default action, even in a synchronous loop", async () => {
  const { child, io, exited } = start(
    "busy",
    `
await runMain(() => { console.log("ready"); for (;;) {} });`,
    `lifecycle-busy-${process.pid}`,
  );
  assert.ok(await waitUntil(() => io.out.includes("ready"), 20000), io.err);
  child.kill("SIGTERM");
  const r = await Promise.race([exited, new Promise<null>((res) => setTimeout(() => res(null), 3000))]);
  if (!r) child.kill("SIGKILL");
  assert.equal(r, { code: null, signal: "SIGTERM" });
});

test("registering and unregistering leave no trace in this process", () => {
  const off = onStop(() => undefined);
  off();
  off();
  assert.is(stopping(), null);
});

test.run();
