import { AppError } from "../../../console/AppError";
import { operatorProcedure } from "../../trpc";
import { restartBridgeInput, restartBridgeOutput } from "./restart.schema";

/** Drops a bridge's connection and reconnects at once (POST /api/v1/bridges/:name/restart on the group's master); audited like every mutation. */
export const restart = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/bridges/{group}/{name}/restart", tags: ["bridges"], summary: "Drop a bridge's connection and reconnect at once" } })
  .input(restartBridgeInput)
  .output(restartBridgeOutput)
  .mutation(async ({ ctx, input }) => {
    const cluster = ctx.services.cluster.attached();
    if (!cluster.groups.some((g) => g.name === input.group)) throw new AppError("NOT_FOUND", `no group named ${input.group}`, "NO_GROUP");
    const master = cluster.masterOf(input.group);
    if (!master) throw new AppError("CONFLICT", `group ${input.group} has no master: no bridge runs there now`, "NO_MASTER");
    try {
      await cluster.admin.restartBridge(master, input.name);
    } catch (err) {
      throw new AppError("CONFLICT", (err as Error).message, "BRIDGE_RESTART_REFUSED", { cause: err });
    }
    ctx.services.live.publish({ type: "invalidate", path: ["bridges"] });
    return { group: input.group, node: master, name: input.name };
  });
