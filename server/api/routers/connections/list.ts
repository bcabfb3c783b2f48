import { viewerProcedure } from "../../trpc";
import { connectionsListInput, connectionsListOutput } from "./connections.schema";

/** One node's client connections with their consumers, heart-beat, rates and unacked counts. */
export const list = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/nodes/{node}/connections", tags: ["connections"], summary: "The node's client connections with consumers, heart-beat, rates and unacked counts" } })
  .input(connectionsListInput)
  .output(connectionsListOutput)
  .query(({ ctx, input }) => ctx.services.connections.list(input.node));
