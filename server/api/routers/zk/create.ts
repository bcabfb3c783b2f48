import { decodeZnodeData } from "../../../console/zk/decodeZnodeData";
import { operatorProcedure } from "../../trpc";
import { createInput, createOutput } from "./create.schema";

export const create = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/zk/node", tags: ["zookeeper"], summary: "Create a znode" } })
  .input(createInput)
  .output(createOutput)
  .mutation(async ({ ctx, input }) => {
    const created = await ctx.services.zk.create(input.path, decodeZnodeData(input.data, input.encoding), input.mode);
    ctx.services.live.publish({ type: "invalidate", path: ["zk"] });
    return created;
  });
