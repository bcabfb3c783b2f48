import type { QueryClient, QueryKey } from "@tanstack/react-query";
import type { TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { AppRouter } from "../../server/api/root";
import type { LiveMessage } from "../../server/console/LiveEvents";

type Trpc = TRPCOptionsProxy<AppRouter>;

/**
 * What one live message does to the query cache: the queries it patches in place (with the new
 * value it carries) and the query keys it makes stale. Keys come from tRPC's own pathKey() /
 * queryKey() helpers, never built by hand, so a renamed procedure fails to compile here.
 */
export interface LiveCacheUpdate {
  patch: (queryClient: QueryClient) => void;
  invalidate: QueryKey[];
}

export function liveCacheUpdate(trpc: Trpc, m: LiveMessage): LiveCacheUpdate {
  const none = (): void => undefined;
  if (m.type === "patch") {
    // The new master shows at once; what follows from it (roles, problems, the timeline) is refetched.
    return {
      patch: (qc) => {
        qc.setQueryData(trpc.cluster.overview.queryKey(), (o) => o && { ...o, groups: o.groups.map((g) => (g.name === m.group ? { ...g, master: m.master } : g)) });
        qc.setQueryData(trpc.cluster.status.queryKey(), (s) => s && (s.attached ? { ...s, groups: s.groups.map((g) => (g.name === m.group ? { ...g, master: m.master } : g)) } : s));
        qc.setQueryData(trpc.cluster.group.queryKey({ name: m.group }), (g) => g && { ...g, master: m.master });
      },
      invalidate: [
        trpc.cluster.overview.queryKey(),
        trpc.cluster.status.queryKey(),
        trpc.cluster.topology.queryKey(),
        trpc.cluster.nodes.pathKey(),
        trpc.cluster.node.pathKey(),
        trpc.cluster.group.queryKey({ name: m.group }),
        trpc.destinations.list.pathKey(),
      ],
    };
  }
  switch (m.path[0]) {
    case "cluster": {
      if (m.path[1] !== "node" || !("node" in m) || !("group" in m) || m.group === undefined) return { patch: none, invalidate: [trpc.cluster.pathKey()] };
      return {
        patch: none,
        invalidate: [
          trpc.cluster.node.queryKey({ name: m.node }),
          trpc.cluster.nodes.pathKey(),
          trpc.cluster.overview.queryKey(),
          trpc.cluster.status.queryKey(),
          trpc.cluster.topology.queryKey(),
          trpc.cluster.group.queryKey({ name: m.group }),
        ],
      };
    }
    case "drain":
      return { patch: none, invalidate: "node" in m ? [trpc.drain.status.queryKey({ name: m.node })] : [trpc.drain.pathKey()] };
    case "destinations":
      // Counters moved: the group's open destination pages and the lists (the browse list follows
      // its page's counters); history, browse pages and previews are left alone.
      if (m.path[1] === "counters" && "group" in m && m.group !== undefined) {
        return { patch: none, invalidate: [trpc.destinations.get.queryKey({ group: m.group }), trpc.destinations.list.pathKey(), trpc.destinations.page.pathKey()] };
      }
      return { patch: none, invalidate: [trpc.destinations.pathKey()] };
    case "events":
      return { patch: none, invalidate: [trpc.events.pathKey()] };
    case "audit":
      return { patch: none, invalidate: [trpc.audit.pathKey()] };
    case "alerts":
      return { patch: none, invalidate: [trpc.alerts.pathKey()] };
    case "zk":
      if (m.path[1] === undefined) return { patch: none, invalidate: [trpc.zk.pathKey()] };
      if (m.path[1] === "deletePreview") return { patch: none, invalidate: [trpc.zk.deletePreview.pathKey()] };
      if ("input" in m) return { patch: none, invalidate: [trpc.zk[m.path[1]].queryKey(m.input)] };
      return { patch: none, invalidate: [trpc.zk.pathKey()] };
    case "connections":
      return { patch: none, invalidate: [trpc.connections.pathKey()] };
    case "users":
      return { patch: none, invalidate: [trpc.users.pathKey()] };
    case "bridges":
      return { patch: none, invalidate: [trpc.bridges.pathKey()] };
    case "rocketmq":
      return { patch: none, invalidate: [trpc.rocketmq.overview.pathKey()] };
  }
}
