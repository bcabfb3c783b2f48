import { z } from "zod";
import { destinationRef } from "./destination.schema";

export const deleteInput = destinationRef.extend({
  /** The destination's name typed again by the operator; must equal `name`. */
  confirmName: z.string().max(600),
});

export const deleteOutput = z.object({ group: z.string(), node: z.string(), destination: z.string(), deleted: z.boolean(), purged: z.number().int() });
