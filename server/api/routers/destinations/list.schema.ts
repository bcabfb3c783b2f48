import { z } from "zod";
import { DESTINATION_SORT_KEYS } from "../../../console/destinations/queryRows";
import { destinationKind, destinationRow, groupName } from "./destination.schema";

export const listInput = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(50),
  sort: z.enum(DESTINATION_SORT_KEYS).default("name"),
  order: z.enum(["asc", "desc"]).default("asc"),
  filter: z.string().max(600).optional(),
  kind: destinationKind.optional(),
  group: groupName.optional(),
  /** Depth over the last 15 minutes per row (one extra query). */
  sparklines: z.boolean().default(true),
});

export const listOutput = z.object({
  attached: z.boolean(),
  total: z.number().int(),
  items: z.array(destinationRow.extend({ spark: z.array(z.number().nullable()) })),
  groups: z.array(z.object({ group: z.string(), master: z.string().nullable(), asOf: z.number().nullable(), error: z.string().nullable() })),
});
