import { z } from "zod";
import { destinationRef, messageSummary } from "./destination.schema";

export const browseInput = destinationRef.extend({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(200).default(25),
  /** A JMS-style selector, evaluated by the broker. */
  selector: z.string().max(10_000).optional(),
});

export const browseOutput = z.object({
  node: z.string(),
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  items: z.array(messageSummary),
});
