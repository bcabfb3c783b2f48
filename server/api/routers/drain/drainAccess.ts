import { AppError } from "../../../console/AppError";
import type { DrainManager } from "../../../console/cluster/drain/DrainManager";
import { DrainConflict } from "../../../console/cluster/drain/DrainManager";
import type { TrpcContext } from "../../trpc";

/** The drain manager, after checking the node exists. */
export function drainsFor(ctx: TrpcContext, name: string): DrainManager {
  ctx.services.cluster.requireNode(name);
  const drains = ctx.services.runtime.drains;
  if (!drains) throw new AppError("UNAVAILABLE", "the cluster runtime is still starting", "NO_CLUSTER");
  return drains;
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
