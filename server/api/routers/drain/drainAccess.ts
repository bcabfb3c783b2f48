import { AppError } from "../../../console/AppError";
import type { DrainManager } from "../../../console/cluster/drain/DrainManager";
import { DrainConflict } from "../../../console/cluster/drain/DrainManager";
import type { TrpcContext } from "../../trpc";
import { clusterConsoleOf, requireNode } from "../cluster/clusterAccess";

/** The drain manager, after checking the node exists. */
export function drainsFor(ctx: TrpcContext, name: string): DrainManager {
  const rt = clusterConsoleOf(ctx);
  requireNode(rt.cluster, name);
  if (!rt.drains) throw new AppError("UNAVAILABLE", "the cluster runtime is still starting", "NO_CLUSTER");
  return rt.drains;
}

/** Maps the manager's conflicts (already running, too late to cancel) to CONFLICT with the reason. */
export function asAppError<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof DrainConflict) throw new AppError("CONFLICT", err.message, "DRAIN_CONFLICT", { cause: err });
    throw err;
  }
}
