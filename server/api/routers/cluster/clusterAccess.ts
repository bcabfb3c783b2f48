import { AppError } from "../../../console/AppError";
import { ClusterConsoleRuntime } from "../../../console/cluster/ClusterConsoleRuntime";
import type { ClusterRuntime } from "../../../console/cluster/ClusterRuntime";
import type { TrpcContext } from "../../trpc";

/** The console's cluster runtime, or UNAVAILABLE while the console runs detached. */
export function clusterConsoleOf(ctx: TrpcContext): ClusterConsoleRuntime {
  const rt = ctx.services.runtime;
  if (rt instanceof ClusterConsoleRuntime && rt.cluster) return rt;
  throw new AppError("UNAVAILABLE", "no cluster attached to this console", "NO_CLUSTER");
}

export function clusterOf(ctx: TrpcContext): ClusterRuntime {
  return clusterConsoleOf(ctx).cluster!;
}

/** The named node's spec, or NOT_FOUND (the name comes from the browser). */
export function requireNode(cluster: ClusterRuntime, name: string): ReturnType<ClusterRuntime["node"]> {
  const n = cluster.nodes.find((x) => x.name === name);
  if (!n) throw new AppError("NOT_FOUND", `no node named ${name} in this cluster`, "NO_NODE");
  return n;
}
