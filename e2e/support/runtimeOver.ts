// Test support: a ConsoleRuntime around a ClusterRuntime a test started itself (it records no
// events and reports no cluster status; the test drives the cluster directly).
import type { ClusterRuntime } from "../../server/console/cluster/ClusterRuntime";
import type { ConsoleRuntime } from "../../server/console/ConsoleRuntime";

export function runtimeOver(cluster: ClusterRuntime, name = "test cluster"): ConsoleRuntime {
  return {
    name,
    cluster,
    drains: null,
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    zkConnectString: () => cluster.zkAddress || undefined,
    clusterStatus: () => Promise.resolve(null),
    setWatched: (watched) => cluster.setWatched(watched),
  };
}
