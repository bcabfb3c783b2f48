import { readNodeLogs } from "../../../console/cluster/logs/readNodeLogs";
import { viewerProcedure } from "../../trpc";
import { clusterOf } from "./clusterAccess";
import { nodeLogsInput, nodeLogsOutput } from "./nodeLogs.schema";

/** The tail of a node's stdout/stderr (embedded mode), filtered by level and text. */
export const nodeLogs = viewerProcedure
  .input(nodeLogsInput)
  .output(nodeLogsOutput)
  .query(({ ctx, input }) => readNodeLogs(clusterOf(ctx), input.name, input));
