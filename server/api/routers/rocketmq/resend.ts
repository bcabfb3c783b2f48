import { operatorProcedure } from "../../trpc";
import { resendInput, resendOutput } from "./rocketmq.schema";

/** Resends a stored message to one consumer group, as a new message on its %RETRY% topic. */
export const resend = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/rocketmq/messages/{id}/resend", tags: ["rocketmq"], summary: "Resend a RocketMQ message to a consumer group (a new message on the group's retry topic)" } })
  .input(resendInput)
  .output(resendOutput)
  .mutation(async ({ ctx, input }) => {
    const r = await ctx.services.rocketmq.resend(input);
    ctx.services.live.publish({ type: "invalidate", path: ["rocketmq"] });
    return r;
  });
