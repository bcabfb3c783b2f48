// Readiness as load balancers see it, on real processes: a coordinator and a 3-node group with the
// console's runtime attached. Ready while the database answers, the session is connected and the
// group has a master; 503 with the reason once the group has lost its nodes.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { pino } from "pino";
import { ClusterRuntime } from "../server/console/cluster/ClusterRuntime";
import { ConsoleHealth } from "../server/console/health/ConsoleHealth";
import type { PrismaClient } from "../server/db/createPrismaClient";
import { openDatabase } from "../server/db/openDatabase";
import { ClusterProcess, waitFor } from "./support/clusterProcess";
import { runtimeOver } from "./support/runtimeOver";

let cluster: ClusterProcess | undefined;
let runtime: ClusterRuntime | undefined;
let prisma: PrismaClient | undefined;
let dir = "";
after(async () => {
  await runtime?.stop();
  await cluster?.stop();
  await prisma?.$disconnect();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("health: live always; ready only with a database, a connected session and a master in every group", async () => {
  dir = await mkdtemp(join(tmpdir(), "tandem-health-"));
  const logger = pino({ level: "silent" });
  ({ prisma } = await openDatabase({ databaseUrl: "file:./console.db", cwd: dir, prismaDir: resolve(import.meta.dirname, "../prisma"), logger }));
  const detached = new ConsoleHealth(prisma, undefined);
  assert.equal(detached.live().status, "ok");
  assert.deepEqual((await detached.ready()).checks.map((c) => [c.name, c.ok]), [["database", true], ["cluster", true]]);

  cluster = await ClusterProcess.start({ nodes: 3 });
  const master = await cluster.waitForMaster(45_000);
  runtime = await ClusterRuntime.start({ mode: "attach", dataDir: dir, zkAddress: cluster.zkAddress, logger });
  const health = new ConsoleHealth(prisma, runtimeOver(runtime, "attached"));
  await waitFor(() => runtime!.masterOf("group1") === master.name, 15_000, () => "the console did not see the master");
  const ready = await health.ready();
  assert.equal(ready.status, "ok", JSON.stringify(ready));
  assert.deepEqual(ready.checks.find((c) => c.name === "group group1"), { name: "group group1", ok: true, detail: `master ${master.name}` });
  assert.deepEqual(ready.checks.find((c) => c.name === "coordinator session"), { name: "coordinator session", ok: true, detail: "connected" });

  // Two of three nodes gone: no quorum, no master.
  const others = ["mq1", "mq2", "mq3"].filter((n) => n !== master.name);
  await cluster.kill9(master.name);
  await cluster.kill9(others[0]!);
  let answer = await health.ready();
  const end = Date.now() + 30_000;
  while (answer.status === "ok" && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    answer = await health.ready();
  }
  assert.equal(answer.status, "unavailable");
  assert.match(answer.checks.find((c) => c.name === "group group1")!.detail, /^no master \(\d of quorum 2 members\)$/);
});
