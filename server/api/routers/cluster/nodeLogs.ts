import { viewerProcedure } from "../../trpc";
import { nodeLogsInput, nodeLogsOutput } from "./nodeLogs.schema";

/** The tail of a node's stdout/stderr (embedded mode), filtered by level and text. */
export const nodeLogs = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/nodes/{name}/logs", tags: ["nodes"], summary: "The tail of the node's log, filtered by level and text" } })
  .input(nodeLogsInput)
  .output(nodeLogsOutput)
  .query(({ ctx, input }) => ctx.services.cluster.nodeLogs(input.name, input));
