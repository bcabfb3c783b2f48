import { z } from "zod";
import { nodeRole, nodeView } from "../../../console/cluster/clusterViews.schema";

export const nodesInput = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(200).default(25),
  sort: z.enum(["name", "group", "role", "connections", "depth", "memoryPercent", "storePercent", "inPerSec", "outPerSec", "uptimeMs"]).default("name"),
  order: z.enum(["asc", "desc"]).default("asc"),
  filter: z.string().max(128).optional(),
  role: nodeRole.optional(),
  group: z.string().max(128).optional(),
});

export const nodesOutput = z.object({ total: z.number().int(), items: z.array(nodeView) });
