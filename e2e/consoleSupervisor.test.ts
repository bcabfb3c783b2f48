// The console's node supervisor against the real embedded cluster (coordinator in this process,
// six broker nodes as OS processes): a node killed with SIGKILL by someone else than the console
// is restarted, with an event carrying its last lines and the restart count; a node that exits by
// itself with an error (its admin port taken, so it cannot start) is restarted with exponential
// back-off, the fatal line first in each exit event; a node an operator stopped stays stopped.
import assert from "node:assert/strict";
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import { freePortOffset } from "./support/freePortOffset";
import { createApiTestHarness, principal, type ApiTestHarness } from "../server/api/apiTestHarness";
import { ClusterConsoleRuntime } from "../server/console/cluster/ClusterConsoleRuntime";

async function until<T>(what: string, f: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await f();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

interface ExitData {
  exitCode: number | null;
  signal: string | null;
  fatal: string | null;
  lastLines: string[];
  restarts: number;
  failures: number;
  nextRestartAt: number | null;
}

describe("node supervisor: logs, exits and restarts of real node processes", () => {
  let dir: string;
  let rt: ClusterConsoleRuntime;
  let h: ApiTestHarness;
  const viewer = principal("viewer", "vic");
  const op = principal("operator", "olga");
  // Short, but with the same shape as the defaults: 0.5 s doubling to a 4 s cap; no run in this
  // test counts as stable, so the failures add up.
  const policy = { initialDelayMs: 500, maxDelayMs: 4_000, stableAfterMs: 600_000 };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "tandem-supervisor-"));
    rt = new ClusterConsoleRuntime({ mode: "embedded", dataDir: dir, coordinatorPort: 0, portOffset: await freePortOffset(), supervisor: { restart: policy } });
    h = await createApiTestHarness({ runtime: rt });
    await rt.start({ prisma: h.prisma, events: h.services.events, live: h.services.live, logger: pino({ level: "silent" }) });
    await until("every node process running", () => rt.cluster!.supervisor!.list().every((p) => p.state === "running"), 90_000);
  });
  after(async () => {
    await rt?.stop();
    await h?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const proc = (name: string) => rt.cluster!.supervisor!.list().find((p) => p.name === name)!;
  const exitEvents = async (node: string) =>
    (await h.prisma.eventLog.findMany({ where: { kind: "node-process", node }, orderBy: { id: "asc" } })).map((e) => ({ ...e, d: e.data as unknown as ExitData }));

  test("each node's output is in <data dir>/logs/node.log (0600) and in the logs procedure", async () => {
    const p = proc("mq4");
    assert.equal(p.logFile, path.join(dir, "nodes", "mq4", "logs", "node.log"));
    assert.equal(statSync(p.logFile).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(p.logFile)).mode & 0o777, 0o700);
    // "running" comes with the admin listener; joining the group follows (bounded wait, loaded machine).
    await until("mq4 joined its group, in its log file", () => readFileSync(p.logFile, "utf8").includes('"msg":"joined HA group"'), 60_000);
    const logs = await h.caller(viewer).cluster.nodeLogs({ name: "mq4", search: "joined HA group" });
    assert.ok(logs.lines.length >= 1 && logs.lines.every((l) => l.level === "info" && /joined HA group/.test(l.text)));
    const warn = await h.caller(viewer).cluster.nodeLogs({ name: "mq4", level: "warn" });
    assert.ok(warn.lines.every((l) => ["warn", "error", "fatal"].includes(l.level)));
    await assert.rejects(h.caller(null).cluster.nodeLogs({ name: "mq4" }), /log in first/);
    await assert.rejects(h.caller(viewer).cluster.nodeLogs({ name: "nope" }), /no node named nope/);
  });

  test("SIGKILL from outside the console: an exit event with the last lines and the restart count, then the node is back", async () => {
    const victim = "mq5";
    const before = proc(victim);
    assert.equal(before.restarts, 0);
    process.kill(before.pid!, "SIGKILL");
    const [ev] = await until("the exit event of mq5", async () => {
      const evs = await exitEvents(victim);
      return evs.length === 1 ? evs : null;
    });
    assert.equal(ev.d.signal, "SIGKILL");
    assert.equal(ev.d.exitCode, null);
    assert.ok(ev.d.lastLines.length > 0, "the node's last lines go with the event");
    // They are the node's own last lines, as in its log file.
    const file = readFileSync(before.logFile, "utf8");
    assert.ok(ev.d.lastLines.every((l) => file.includes(l)), ev.d.lastLines.join("\n"));
    assert.ok(ev.d.lastLines.every((l) => !l.includes('"service":"supervisor"')), "no supervisor notes among them");
    assert.equal(ev.d.failures, 1);
    assert.ok(ev.d.nextRestartAt !== null);
    assert.match(ev.message, /mq5 exited on its own \(killed by SIGKILL\) — restart #1 in 1 s/);
    const back = await until("mq5 running again", () => {
      const p = proc(victim);
      return p.state === "running" && p.pid !== before.pid ? p : null;
    });
    assert.equal(back.restarts, 1);
    assert.equal(back.lastExit?.signal, "SIGKILL");
    assert.ok(await h.prisma.eventLog.findFirst({ where: { kind: "node-restart", node: victim } }), "the restart is an event too");
    // The node page shows the count and the last exit with its lines.
    const page = await h.caller(viewer).cluster.node({ name: victim });
    assert.equal(page.node.process?.restarts, 1);
    assert.ok((page.node.process?.lastExit?.lines.length ?? 0) > 0);
  });

  test("a node that exits by itself with an error is restarted with exponential back-off until it can run", async () => {
    const victim = "mq6";
    const first = proc(victim);
    // Once it is gone, its journal directory becomes a plain file: every start then fails
    // (mkdir EEXIST) and the node exits with code 2 by itself.
    const journal = path.join(dir, "nodes", victim, "journal");
    process.kill(first.pid!, "SIGKILL");
    await until("mq6 dead", () => proc(victim).state === "crashed");
    renameSync(journal, `${journal}.aside`);
    writeFileSync(journal, "not a directory\n");
    try {
      const evs = await until("three failed starts of mq6 after the kill", async () => {
        const e = await exitEvents(victim);
        return e.length >= 4 ? e : null;
      }, 120_000);
      for (const e of evs.slice(1, 4)) {
        assert.equal(e.d.exitCode, 2, e.message);
        // The fatal line first: why it could not start.
        assert.match(e.d.fatal ?? "", /broker failed to start/);
        assert.match(e.d.lastLines[0], /broker failed to start/);
        assert.match(e.d.lastLines.join("\n"), /EEXIST/);
        assert.match(e.message, /mq6 exited on its own \(exit code 2\): broker failed to start/);
      }
      // Back-off: 0.5 s, then 1 s, 2 s, 4 s (the cap) between an exit and the next start.
      const delays = evs.slice(0, 4).map((e) => e.d.nextRestartAt! - e.time.getTime());
      assert.deepEqual(delays, [500, 1000, 2000, 4000]);
      assert.deepEqual(evs.slice(0, 4).map((e) => e.d.failures), [1, 2, 3, 4]);
      assert.deepEqual(evs.slice(0, 4).map((e) => e.d.restarts), [0, 1, 2, 3]);
      // The node page shows the count and, between attempts, when the next one is.
      const page = await until("the node page between two attempts", async () => {
        const n = await h.caller(viewer).cluster.node({ name: victim });
        return n.node.process?.nextRestartAt ? n : null;
      }, 30_000);
      assert.ok((page.node.process?.restarts ?? 0) >= 3);
      assert.equal(page.node.process?.state, "crashed");
      assert.match(page.node.process?.lastExit?.fatal ?? "", /broker failed to start/);
    } finally {
      rmSync(journal, { force: true });
      renameSync(`${journal}.aside`, journal);
    }
    const running = await until("mq6 running once it can start", () => (proc(victim).state === "running" ? proc(victim) : null), 90_000);
    assert.ok(running.restarts >= 4);
  });

  test("a node stopped or killed by an operator is not restarted", async () => {
    const c = h.caller(op);
    // With mq4 gone, stopping mq6 leaves group2 below quorum: the guardrail wants the name typed.
    await c.cluster.nodeKill({ name: "mq4", confirm: "mq4" });
    await c.cluster.nodeStop({ name: "mq6", confirm: "mq6" });
    await new Promise((r) => setTimeout(r, 3_000)); // well past the 0.5 s first restart
    assert.equal(proc("mq4").state, "crashed", "a kill is a drill of a crash");
    assert.equal(proc("mq4").nextRestartAt, null);
    assert.equal(proc("mq4").lastExit?.byOperator, true);
    assert.equal(proc("mq6").state, "stopped");
    assert.equal((await exitEvents("mq4")).length, 0, "an operator's kill is an admin action, not an unexpected exit");
  });
});
