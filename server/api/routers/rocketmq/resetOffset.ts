import { operatorProcedure } from "../../trpc";
import { resetOffsetInput, resetOffsetOutput } from "./rocketmq.schema";

/** resetOffsetByTime: each queue's committed offset becomes the first message stored at or after the time. */
export const resetOffset = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/rocketmq/groups/{consumerGroup}/reset-offset", tags: ["rocketmq"], summary: "Reset a consumer group's offsets on a topic to a time" } })
  .input(resetOffsetInput)
  .output(resetOffsetOutput)
  .mutation(async ({ ctx, input }) => {
    const r = await ctx.services.rocketmq.resetOffset(input);
    ctx.services.live.publish({ type: "invalidate", path: ["rocketmq"] });
    return r;
  });
