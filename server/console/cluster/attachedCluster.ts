import { AppError } from "../AppError";
import type { ConsoleRuntime } from "../ConsoleRuntime";
import type { ClusterRuntime } from "./ClusterRuntime";

/**
 * The console's live cluster, or UNAVAILABLE while the console runs detached (or its runtime has
 * not started yet). The one way the console's services reach `runtime.cluster` on a request's
 * behalf: every "no cluster" refusal reads the same.
 */
export function attachedCluster(runtime: ConsoleRuntime): ClusterRuntime {
  if (runtime.cluster !== null) return runtime.cluster;
  throw new AppError("UNAVAILABLE", "no cluster attached to this console", "NO_CLUSTER");
}

/** The named node's spec, or NOT_FOUND (the name comes from the browser or a REST client). */
export function requireNode(cluster: ClusterRuntime, name: string): ReturnType<ClusterRuntime["node"]> {
  const n = cluster.nodes.find((x) => x.name === name);
  if (!n) throw new AppError("NOT_FOUND", `no node named ${name} in this cluster`, "NO_NODE");
  return n;
}
