import { z } from "zod";
import { groupSummary, problem } from "../../../console/cluster/clusterViews.schema";

export const overviewOutput = z.object({
  name: z.string(),
  at: z.number(),
  groups: z.array(groupSummary),
  nodes: z.object({ total: z.number(), up: z.number(), down: z.number() }),
  /** Sum of the serving nodes' poller rates (messages per second). */
  rates: z.object({ inPerSec: z.number(), outPerSec: z.number() }),
  /** Sum over the groups whose master serves; the others are listed in depthUnavailable. */
  depth: z.number(),
  /** Groups without a serving master: their messages cannot be counted (or consumed) now. */
  depthUnavailable: z.array(z.string()),
  connections: z.number(),
  problems: z.array(problem),
});
