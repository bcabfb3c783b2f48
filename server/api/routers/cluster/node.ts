import { viewerProcedure } from "../../trpc";
import { nodeInput, nodeOutput } from "./node.schema";

/** One node's health: role, memory, store, connections, uptime, close reasons, destinations, process. */
export const node = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/nodes/{name}", tags: ["nodes"], summary: "One node: role, memory, store, connections, destinations, process" } })
  .input(nodeInput)
  .output(nodeOutput)
  .query(({ ctx, input }) => ctx.services.cluster.node(input.name));
