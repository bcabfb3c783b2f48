import { decodeZnodeData } from "../../../console/zk/decodeZnodeData";
import { operatorProcedure } from "../../trpc";
import { setInput, setOutput } from "./set.schema";

export const set = operatorProcedure
  .input(setInput)
  .output(setOutput)
  .mutation(async ({ ctx, input }) => {
    const stat = await ctx.services.zk.set(input.path, decodeZnodeData(input.data, input.encoding), input.version);
    ctx.services.live.publish({ type: "invalidate", path: ["zk"] });
    return { stat };
  });
