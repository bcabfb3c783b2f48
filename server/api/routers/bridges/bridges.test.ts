// Bridge procedures against the embedded seed topology (real processes): its duplex connector
// group1 ↔ group2 shows as two running bridges, one per master; a viewer may not restart one (the
// refusal is audited), an operator may, and the bridge comes back.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { TRPCError } from "@trpc/server";
import { pino } from "pino";
import { ClusterConsoleRuntime } from "../../../console/cluster/ClusterConsoleRuntime";
import { createApiTestHarness, type ApiTestHarness, principal } from "../../apiTestHarness";
import { freePortOffset } from "../../../../e2e/support/freePortOffset";

async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await f();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

describe("bridge procedures against the embedded seed topology (real processes)", () => {
  let dir: string;
  let rt: ClusterConsoleRuntime;
  let h: ApiTestHarness;
  const op = principal("operator", "olga");
  const viewer = principal("viewer", "vic");

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "tandem-bridges-api-"));
    rt = new ClusterConsoleRuntime({ mode: "embedded", dataDir: dir, coordinatorPort: 0, portOffset: await freePortOffset() });
    h = await createApiTestHarness({ runtime: rt });
    await rt.start({ prisma: h.prisma, events: h.services.events, live: h.services.live, logger: pino({ level: "silent" }) });
  });
  after(async () => {
    await rt?.stop();
    await h?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("the seed's duplex connector runs as two bridges, both running", { timeout: 120_000 }, async () => {
    const r = await until("both bridges running", async () => {
      const l = await h.caller(viewer).bridges.list();
      return l.bridges.length === 2 && l.bridges.every((b) => b.state === "running") ? l : null;
    }, 90_000);
    const byName = new Map(r.bridges.map((b) => [b.name, b]));
    assert.equal(byName.get("group1-group2")?.localGroup, "group1");
    assert.equal(byName.get("group1-group2")?.remoteGroup, "group2");
    assert.equal(byName.get("group1-group2.duplex")?.localGroup, "group2");
    assert.equal(byName.get("group1-group2.duplex")?.remoteGroup, "group1");
    assert.deepEqual(r.unreachable, []);
    // The pollers turn bridge states into events (searchable, pushed live).
    await until("bridge-up events for both directions", async () => {
      const ev = await h.prisma.eventLog.findMany({ where: { kind: "bridge-up" } });
      return ev.some((e) => e.message.includes("group1-group2 group1 → group2")) && ev.some((e) => e.message.includes("group1-group2.duplex group2 → group1"));
    });
  });

  test("a viewer may not restart a bridge (audited); an operator may, and it comes back", { timeout: 120_000 }, async () => {
    await assert.rejects(h.caller(viewer).bridges.restart({ group: "group1", name: "group1-group2" }), (e: unknown) => e instanceof TRPCError && e.code === "FORBIDDEN");
    const refused = await h.prisma.auditLog.findFirst({ where: { action: "bridges.restart" } });
    assert.equal(refused?.result, "FORBIDDEN");
    const before = (await h.caller(viewer).bridges.list()).bridges.find((b) => b.name === "group1-group2")!;
    const r = await h.caller(op).bridges.restart({ group: "group1", name: "group1-group2" });
    assert.equal(r.name, "group1-group2");
    await until("the restarted bridge reconnected", async () => {
      const b = (await h.caller(viewer).bridges.list()).bridges.find((x) => x.name === "group1-group2");
      return b && b.state === "running" && b.counters.connects > before.counters.connects;
    });
    const audited = await h.prisma.auditLog.findMany({ where: { action: "bridges.restart" } });
    assert.ok(audited.some((a) => a.result !== "FORBIDDEN"), JSON.stringify(audited));
    await assert.rejects(h.caller(op).bridges.restart({ group: "group1", name: "nope" }), (e: unknown) => e instanceof TRPCError && e.code === "CONFLICT");
  });
});
