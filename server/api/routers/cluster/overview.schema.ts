import { z } from "zod";
import { groupSummary, problem } from "./clusterViews.schema";

export const overviewOutput = z.object({
  name: z.string(),
  at: z.number(),
  groups: z.array(groupSummary),
  nodes: z.object({ total: z.number(), up: z.number(), down: z.number() }),
  /** Sum of the serving nodes' poller rates (messages per second). */
  rates: z.object({ inPerSec: z.number(), outPerSec: z.number() }),
  depth: z.number(),
  connections: z.number(),
  problems: z.array(problem),
});
