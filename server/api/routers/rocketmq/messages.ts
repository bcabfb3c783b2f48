import { principalOf, viewerProcedure } from "../../trpc";
import { messagesInput, messagesOutput } from "./rocketmq.schema";

/** Messages by offset message id or key; bodies only for those who may read them (audited). */
export const messages = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/rocketmq/messages", tags: ["rocketmq"], summary: "Query RocketMQ messages by message id or key (bodies base64, for users allowed to read bodies)" } })
  .input(messagesInput)
  .output(messagesOutput)
  .query(async ({ ctx, input }) => {
    const messages = await ctx.services.rocketmq.messages({ principal: principalOf(ctx), ip: ctx.ip }, input);
    ctx.services.live.publish({ type: "invalidate", path: ["audit"] });
    return { messages };
  });
