import { z } from "zod";
import { destinationRef } from "./destination.schema";

export const purgeInput = destinationRef.extend({
  /** The destination's name typed again by the operator; checked on the server, not just in the dialog. */
  confirmName: z.string().max(600),
});

export const purgeOutput = z.object({ group: z.string(), node: z.string(), destination: z.string(), purged: z.number().int() });
