import { viewerProcedure } from "../../trpc";
import { durablesInput, durablesOutput } from "./connections.schema";

/** One node's durable topic subscriptions, connected or not. */
export const durables = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/nodes/{node}/durables", tags: ["connections"], summary: "The node's durable topic subscriptions, connected or not" } })
  .input(durablesInput)
  .output(durablesOutput)
  .query(({ ctx, input }) => ctx.services.connections.durables(input.node));
