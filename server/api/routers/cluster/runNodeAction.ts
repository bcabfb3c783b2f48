import { AppError } from "../../../console/AppError";
import type { TrpcContext } from "../../trpc";
import { clusterOf, requireNode } from "./clusterAccess";
import { requireConfirmation } from "./readActionImpact";

export type NodeAction = "start" | "stop" | "kill" | "restart";

/**
 * Drives a node's OS process through the supervisor. Only the embedded cluster's nodes are the
 * console's processes; an attached cluster's nodes run elsewhere and are refused with a reason.
 */
export async function runNodeAction(ctx: TrpcContext, name: string, action: NodeAction, confirm?: string): Promise<{ name: string; state: string; pid: number | null }> {
  const cluster = clusterOf(ctx);
  const spec = requireNode(cluster, name);
  const sup = cluster.supervisor;
  if (!sup || !sup.has(name)) {
    throw new AppError("PRECONDITION_FAILED", `${name} is not run by this console (attached cluster): ${action} it on its own host`, "NOT_EMBEDDED");
  }
  if (action !== "start") await requireConfirmation(cluster, name, action, confirm);
  if (action === "start") sup.start(name);
  else await sup[action](name);
  cluster.pollers.get(name)?.refresh();
  ctx.services.live.publish({ type: "invalidate", path: ["cluster", "node"], node: name, group: spec.group });
  const p = sup.list().find((n) => n.name === name)!;
  return { name, state: p.state, pid: p.pid };
}
