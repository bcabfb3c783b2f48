import { AppError } from "../../../console/AppError";
import type { ClusterRuntime } from "../../../console/cluster/ClusterRuntime";
import type { ConsoleRuntime } from "../../../console/ConsoleRuntime";
import type { TrpcContext } from "../../trpc";

/** A runtime with its cluster started. */
export type AttachedRuntime = ConsoleRuntime & { readonly cluster: ClusterRuntime };

/** The console's runtime with its cluster, or UNAVAILABLE while the console runs detached. */
export function clusterConsoleOf(ctx: TrpcContext): AttachedRuntime {
  const rt = ctx.services.runtime;
  if (rt.cluster !== null) return rt as AttachedRuntime;
  throw new AppError("UNAVAILABLE", "no cluster attached to this console", "NO_CLUSTER");
}

export function clusterOf(ctx: TrpcContext): ClusterRuntime {
  return clusterConsoleOf(ctx).cluster;
}

/** The named node's spec, or NOT_FOUND (the name comes from the browser). */
export function requireNode(cluster: ClusterRuntime, name: string): ReturnType<ClusterRuntime["node"]> {
  const n = cluster.nodes.find((x) => x.name === name);
  if (!n) throw new AppError("NOT_FOUND", `no node named ${name} in this cluster`, "NO_NODE");
  return n;
}
