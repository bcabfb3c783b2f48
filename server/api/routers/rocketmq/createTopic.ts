import { operatorProcedure } from "../../trpc";
import { createTopicInput, createTopicOutput } from "./rocketmq.schema";

/** Creates or updates a topic on the chosen broker groups (UPDATE_AND_CREATE_TOPIC on each master; the routes follow). */
export const createTopic = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/rocketmq/topics", tags: ["rocketmq"], summary: "Create or update a RocketMQ topic on chosen broker groups (queue counts, perm)" } })
  .input(createTopicInput)
  .output(createTopicOutput)
  .mutation(async ({ ctx, input }) => {
    const r = await ctx.services.rocketmq.createTopic(input);
    ctx.services.live.publish({ type: "invalidate", path: ["rocketmq"] });
    return r;
  });
