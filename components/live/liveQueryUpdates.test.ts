import assert from "node:assert/strict";
import { test } from "node:test";
import { QueryClient, matchQuery } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import superjson from "superjson";
import type { AppRouter } from "../../server/api/root";
import { liveCacheUpdate } from "./liveQueryUpdates";

// A proxy over a client that is never called: only its key helpers are used.
const queryClient = new QueryClient();
const trpc = createTRPCOptionsProxy<AppRouter>({ client: createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "http://127.0.0.1:1/api/trpc", transformer: superjson })] }), queryClient });

function stale(keys: ReadonlyArray<readonly unknown[]>, queryKey: readonly unknown[]): boolean {
  const query = queryClient.getQueryCache().build(queryClient, { queryKey });
  return keys.some((k) => matchQuery({ queryKey: k }, query));
}

test("an election patches the master into open queries and refetches what follows from it", () => {
  const overviewKey = trpc.cluster.overview.queryKey();
  queryClient.setQueryData(overviewKey, {
    name: "c", at: 0, nodes: { total: 6, up: 6, down: 0 }, rates: { inPerSec: 0, outPerSec: 0 }, depth: 0, connections: 0, problems: [],
    groups: [{ name: "group1", master: "mq1", members: 3, quorum: 2, replicas: 3, sync: "quorum_mem", nodes: ["mq1", "mq2", "mq3"] }, { name: "group2", master: "mq4", members: 3, quorum: 2, replicas: 3, sync: "quorum_mem", nodes: [] }],
  } as never);
  const u = liveCacheUpdate(trpc, { type: "patch", path: ["cluster", "group"], group: "group1", master: "mq2" });
  u.patch(queryClient);
  const after = queryClient.getQueryData(overviewKey)!;
  assert.deepEqual(after.groups.map((g) => g.master), ["mq2", "mq4"]);
  assert.ok(stale(u.invalidate, trpc.cluster.group.queryKey({ name: "group1" })));
  assert.ok(!stale(u.invalidate, trpc.cluster.group.queryKey({ name: "group2" })), "the other group's page is left alone");
  assert.ok(!stale(u.invalidate, trpc.events.search.queryKey({ offset: 0, limit: 12 })));
});

test("a node's change refetches that node's queries and the cluster summaries only", () => {
  const u = liveCacheUpdate(trpc, { type: "invalidate", path: ["cluster", "node"], node: "mq2", group: "group1" });
  assert.ok(stale(u.invalidate, trpc.cluster.node.queryKey({ name: "mq2" })));
  assert.ok(stale(u.invalidate, trpc.cluster.overview.queryKey()));
  assert.ok(stale(u.invalidate, trpc.cluster.nodes.queryKey({ offset: 0, limit: 50 } as never)));
  assert.ok(!stale(u.invalidate, trpc.cluster.node.queryKey({ name: "mq5" })), "another node's page is not refetched");
  assert.ok(!stale(u.invalidate, trpc.cluster.group.queryKey({ name: "group2" })));
  assert.ok(!stale(u.invalidate, trpc.destinations.list.queryKey({ limit: 50 } as never)));
});

test("drain and whole-domain messages name their own queries", () => {
  const d = liveCacheUpdate(trpc, { type: "invalidate", path: ["drain"], node: "mq3" });
  assert.ok(stale(d.invalidate, trpc.drain.status.queryKey({ name: "mq3" })));
  assert.ok(!stale(d.invalidate, trpc.drain.status.queryKey({ name: "mq1" })));
  const z = liveCacheUpdate(trpc, { type: "invalidate", path: ["zk"] });
  assert.ok(stale(z.invalidate, trpc.zk.children.queryKey({ path: "/" })));
  assert.ok(!stale(z.invalidate, trpc.cluster.overview.queryKey()));
});

test("a group master's counters moving refetches that group's destination pages and the lists, not history or other groups", () => {
  const u = liveCacheUpdate(trpc, { type: "invalidate", path: ["destinations", "counters"], group: "group1" });
  assert.ok(stale(u.invalidate, trpc.destinations.get.queryKey({ group: "group1", name: "/queue/a" })));
  assert.ok(!stale(u.invalidate, trpc.destinations.get.queryKey({ group: "group2", name: "/queue/a" })), "another group's page is left alone");
  assert.ok(stale(u.invalidate, trpc.destinations.list.queryKey({ limit: 50 } as never)));
  assert.ok(!stale(u.invalidate, trpc.destinations.history.queryKey({ group: "group1", name: "/queue/a", rangeMs: 3_600_000 })), "history follows its own timer");
  assert.ok(!stale(u.invalidate, trpc.cluster.history.queryKey({ rangeMs: 3_600_000 })));
});
