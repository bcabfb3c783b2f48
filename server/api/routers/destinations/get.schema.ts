import { z } from "zod";
import { destinationRef, destinationRow } from "./destination.schema";

export const getInput = destinationRef;

export const getOutput = destinationRow.extend({
  /** Where this destination's dead letters go (DLQ.<name>). */
  deadLetterQueue: z.string(),
  /** For a DLQ: the destination a retry sends messages back to. */
  retryTarget: z.string().nullable(),
  asOf: z.number(),
});
