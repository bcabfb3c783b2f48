// The cluster services on a console without a cluster: the status says so, and every read or
// action is refused the same way (UNAVAILABLE / NO_CLUSTER) before anything else is asked — no
// event-log query, no metric read, no live message. The live paths run against a real embedded
// cluster in server/api/routers/cluster/cluster.test.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AppError } from "../AppError";
import { DetachedConsoleRuntime } from "../DetachedConsoleRuntime";
import type { LiveMessage } from "../LiveEvents";
import { ClusterService } from "./ClusterService";
import { NodeActions } from "./NodeActions";

function detached(zkConfigured = false) {
  const runtime = new DetachedConsoleRuntime();
  const published: LiveMessage[] = [];
  const cluster = new ClusterService({
    runtime,
    events: { search: () => assert.fail("the event log is not read without a cluster") },
    metricHistory: { read: () => assert.fail("metrics are not read without a cluster") },
    zk: { configured: zkConfigured },
  });
  const actions = new NodeActions({ runtime, live: { publish: (m) => void published.push(m) } });
  return { cluster, actions, published };
}

const noCluster = (err: unknown): boolean => err instanceof AppError && err.code === "UNAVAILABLE" && err.reason === "NO_CLUSTER";

test("status of a detached console: not attached, and whether the explorer has a coordinator", async () => {
  assert.deepEqual(await detached().cluster.status(), { attached: false, zkConfigured: false });
  assert.deepEqual(await detached(true).cluster.status(), { attached: false, zkConfigured: true });
});

test("every cluster read is refused as UNAVAILABLE/NO_CLUSTER while detached", async () => {
  const { cluster } = detached();
  assert.throws(() => cluster.attached(), noCluster);
  assert.throws(() => cluster.requireNode("mq1"), noCluster);
  assert.throws(() => cluster.nodeLogs("mq1", { limit: 10 }), noCluster);
  await assert.rejects(cluster.overview(), noCluster);
  await assert.rejects(cluster.topology(), noCluster);
  await assert.rejects(cluster.groups(), noCluster);
  await assert.rejects(cluster.group("group1"), noCluster);
  await assert.rejects(cluster.nodes(), noCluster);
  await assert.rejects(cluster.nodesTable({ offset: 0, limit: 10, sort: "name", order: "asc" }), noCluster);
  await assert.rejects(cluster.node("mq1"), noCluster);
  await assert.rejects(cluster.history({ rangeMs: 3_600_000 }), noCluster);
  await assert.rejects(cluster.history({ node: "mq1", rangeMs: 3_600_000 }), noCluster);
});

test("node actions are refused while detached, and nothing is announced", async () => {
  const { actions, published } = detached();
  await assert.rejects(actions.impact("mq1", "stop"), noCluster);
  await assert.rejects(actions.requireConfirmation("mq1", "kill", "mq1"), noCluster);
  for (const a of ["start", "stop", "kill", "restart"] as const) await assert.rejects(actions.run("mq1", a, "mq1"), noCluster);
  await assert.rejects(actions.handover("mq1", "mq1"), noCluster);
  assert.deepEqual(published, []);
});
