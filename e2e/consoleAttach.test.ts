// `tandem console --zk` without a cluster file: the console's cluster runtime finds the HA group
// of a running cluster (real coordinator + broker processes) from the election znodes alone,
// sees its master, and follows a failover.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { pino } from "pino";
import { ClusterRuntime } from "../server/console/cluster/ClusterRuntime";
import { ClusterProcess, waitFor } from "./support/clusterProcess";

let cluster: ClusterProcess | undefined;
let runtime: ClusterRuntime | undefined;
let dir = "";
after(async () => {
  await runtime?.stop();
  await cluster?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("attach by discovery: the group, its nodes and admin URLs come from the coordinator; a failover is seen", async () => {
  cluster = await ClusterProcess.start({ nodes: 3 });
  const master = await cluster.waitForMaster(45_000);
  dir = await mkdtemp(join(tmpdir(), "tandem-attach-"));
  runtime = await ClusterRuntime.start({ mode: "attach", dataDir: dir, zkAddress: cluster.zkAddress, logger: pino({ level: "warn" }) });
  assert.equal(runtime.groups.length, 1);
  assert.equal(runtime.groups[0].zkPath, "/tandem/test/group1");
  assert.equal(runtime.groups[0].name, "group1");
  assert.deepEqual(runtime.nodes.map((n) => n.name).sort(), ["mq1", "mq2", "mq3"]);
  for (const n of runtime.nodes) assert.match(n.adminUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  await waitFor(() => runtime!.masterOf("group1") === master.name, 15_000, () => `monitor master ${runtime!.masterOf("group1")} != ${master.name}`);
  const elections: string[] = [];
  runtime.on("event", (e) => {
    if (e.kind === "election") elections.push(e.node ?? "");
  });
  await cluster.kill9(master.name);
  const next = await cluster.waitForMaster(45_000, master.name);
  await waitFor(() => runtime!.masterOf("group1") === next.name, 15_000, () => "the console did not see the new master");
  assert.ok(elections.includes(next.name), `election event for ${next.name}: ${elections.join(",")}`);
});
