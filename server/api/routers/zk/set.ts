import { decodeZnodeData } from "../../../console/zk/decodeZnodeData";
import { operatorProcedure } from "../../trpc";
import { setInput, setOutput } from "./set.schema";

export const set = operatorProcedure
  .meta({ openapi: { method: "PUT", path: "/zk/node", tags: ["zookeeper"], summary: "Set a znode's data at an expected version" } })
  .input(setInput)
  .output(setOutput)
  .mutation(async ({ ctx, input }) => {
    const stat = await ctx.services.zk.set(input.path, decodeZnodeData(input.data, input.encoding), input.version);
    ctx.services.live.publish({ type: "invalidate", path: ["zk"] });
    return { stat };
  });
